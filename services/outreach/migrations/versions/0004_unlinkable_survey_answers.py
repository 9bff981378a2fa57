"""Survey answers that cannot be linked to who gave them: participation tokens keyed with a secret
kept outside the database (`participation_sealed` says which surveys' tokens are), and the answers
and tokens already stored rewritten in a random order, so that their place in the table no longer
pairs them up.

Revision ID: 0004
Revises: 0003
"""

import random
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Surveys already open keep the tokens they have until their next answer re-keys them.
    with op.batch_alter_table("staff_surveys") as batch:
        batch.add_column(sa.Column("participation_sealed", sa.Boolean(), nullable=False, server_default=sa.false()))
    connection = op.get_bind()
    responses = sa.table(
        "survey_responses",
        *(sa.column(c, sa.Uuid()) for c in ("response_id", "survey_id")),
        sa.column("given_on", sa.Date()),
        *(
            sa.column(c, sa.Integer())
            for c in ("wellbeing", "workload_manageable", "feel_supported", "supervision_helpful")
        ),
        sa.column("comment", sa.Text()),
    )
    participation = sa.table("survey_participation", sa.column("survey_id", sa.Uuid()), sa.column("token", sa.String))
    for table in (responses, participation):
        by_survey = defaultdict(list)
        for row in connection.execute(sa.select(table)):
            by_survey[row.survey_id].append(dict(row._mapping))
        for survey_id, rows in by_survey.items():
            random.SystemRandom().shuffle(rows)
            connection.execute(sa.delete(table).where(table.c.survey_id == survey_id))
            connection.execute(sa.insert(table), rows)


def downgrade() -> None:
    with op.batch_alter_table("staff_surveys") as batch:
        batch.drop_column("participation_sealed")
