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
BEGIN
    -- The intake's statements keep their plans for the rest of its transaction (see the repository).
    PERFORM set_config('plan_cache_mode', 'auto', true);
    -- Sorted keys, taken in their order (unnest keeps it): two intakes never wait for each other both ways.
    PERFORM pg_advisory_xact_lock(lock_key) FROM unnest(lock_keys) AS held(lock_key);
    RETURN QUERY
        SELECT referrals.* FROM referrals JOIN person_index ON person_index.referral_id = referrals.referral_id
        WHERE person_index.person_key = ANY(person_keys) AND referrals.status = ANY(open_statuses)
        ORDER BY referrals.received_at LIMIT 1;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(HOLD_AND_FIND)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION hold_and_find_open_referral(bigint[], varchar[], varchar[])")
