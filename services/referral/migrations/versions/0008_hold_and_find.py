"""The intake holds the person and finds their open referral in one round trip: a function whose
look-up is a statement of its own, after the locks, so that it sees a referral of the person
committed while this intake waited for them (one statement would read from before the wait).
PostgreSQL only; SQLite takes its one writer's lock and looks up in two statements.

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

HOLD_AND_FIND = """
CREATE FUNCTION hold_and_find_open_referral(lock_keys bigint[], person_keys varchar[], open_statuses varchar[])
RETURNS SETOF referrals LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    one_key varchar;
    theirs uuid[] := '{}';
BEGIN
    -- One plan for every call, the same whoever the person is: planning each call's look-up anew
    -- cost PostgreSQL more than the look-up itself. Each of its statements is planned to hold for
    -- any person: a key at a time (a plan for an array of keys guesses ten, and scanned the index
    -- whole), their referrals by primary key, and only then put in order (with the order and the
    -- limit planned together, referrals were walked oldest first until one of theirs came up).
    PERFORM set_config('plan_cache_mode', 'force_generic_plan', true);
    -- Sorted keys, taken in their order (unnest keeps it): two intakes never wait for each other both ways.
    PERFORM pg_advisory_xact_lock(lock_key) FROM unnest(lock_keys) AS held(lock_key);
    FOREACH one_key IN ARRAY person_keys LOOP
        theirs := theirs || ARRAY(SELECT p.referral_id FROM person_index AS p WHERE p.person_key = one_key);
    END LOOP;
    RETURN QUERY
        WITH open_ones AS MATERIALIZED (
            SELECT * FROM referrals WHERE referrals.referral_id = ANY(theirs) AND referrals.status = ANY(open_statuses)
        )
        SELECT * FROM open_ones ORDER BY open_ones.received_at LIMIT 1;
    -- The intake's statements keep their plans for the rest of its transaction (see the repository).
    PERFORM set_config('plan_cache_mode', 'auto', true);
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(HOLD_AND_FIND)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION hold_and_find_open_referral(bigint[], varchar[], varchar[])")
