"""How a person heard of the hub, in their own words, is personal: it is sealed with their details
from now on. The plaintext column goes; the outreach code it names (the only part that ever left the
service) stays as `outreach_code`. Words stored before this revision are not kept: the migration runs
without the personal data keys, so it cannot seal them, and no endpoint ever showed them.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from hubs.contracts.outreach_codes import find_outreach_code

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

referrals = sa.table(
    "referrals",
    sa.column("referral_id", sa.Uuid()),
    sa.column("heard_of_hub_via", sa.String(64)),
    sa.column("outreach_code", sa.String(8)),
)


def upgrade() -> None:
    with op.batch_alter_table("referrals") as batch:
        batch.add_column(sa.Column("outreach_code", sa.String(8)))
    connection = op.get_bind()
    said = connection.execute(
        sa.select(referrals.c.referral_id, referrals.c.heard_of_hub_via).where(
            referrals.c.heard_of_hub_via.is_not(None)
        )
    ).all()
    for referral_id, words in said:
        code = find_outreach_code(words)
        if code:
            connection.execute(
                sa.update(referrals).where(referrals.c.referral_id == referral_id).values(outreach_code=code)
            )
    with op.batch_alter_table("referrals") as batch:
        batch.drop_column("heard_of_hub_via")


def downgrade() -> None:
    # The words are gone: the older column gets back the code alone.
    with op.batch_alter_table("referrals") as batch:
        batch.add_column(sa.Column("heard_of_hub_via", sa.String(64)))
    op.execute(sa.update(referrals).values(heard_of_hub_via=referrals.c.outreach_code))
    with op.batch_alter_table("referrals") as batch:
        batch.drop_column("outreach_code")
