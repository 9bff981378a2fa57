"""Outcome reasons sealed at rest, apart from the record, with an audit of who reads or erases them.

Reasons already kept in the clear in the record are sealed with HUBS_CLINICAL_NOTES_KEYS and
removed from it, so the upgrade needs the key when there are any.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from hubs.assessment.adapters.clinical_notes import vault_from_settings
from hubs.runtime.settings import Settings

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

assessments = sa.table("assessments", sa.column("case_id", sa.Uuid()), sa.column("completion", sa.JSON()))
outcome_reasons = sa.table(
    "outcome_reasons",
    sa.column("case_id", sa.Uuid()),
    sa.column("sealed", sa.LargeBinary()),
    sa.column("erased_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    # Before any change (SQLite does not roll DDL back): without the keys, refuse and change nothing.
    connection = op.get_bind()
    in_the_clear = [
        (case_id, record)
        for case_id, record in connection.execute(sa.select(assessments.c.case_id, assessments.c.completion))
        if record and "reasons" in (record.get("outcome") or {})
    ]
    vault = vault_from_settings(Settings.from_env("assessment")) if in_the_clear else None
    op.create_table(
        "outcome_reasons",
        sa.Column("case_id", sa.Uuid(), primary_key=True),
        sa.Column("sealed", sa.LargeBinary()),
        sa.Column("erased_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "reasons_access_audit",
        sa.Column("audit_id", sa.Uuid(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("roles", sa.String(200), nullable=False),
        sa.Column("hub_id", sa.String(63), nullable=False),
        sa.Column("case_id", sa.Uuid()),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("purpose", sa.String(40), nullable=False),
    )
    op.create_index("ix_reasons_access_audit_at", "reasons_access_audit", ["at"])
    op.create_index("ix_reasons_access_audit_case_id", "reasons_access_audit", ["case_id"])
    for case_id, record in in_the_clear:
        reasons = record["outcome"].pop("reasons")
        if reasons and vault:
            connection.execute(sa.insert(outcome_reasons).values(case_id=case_id, sealed=vault.seal(reasons)))
        connection.execute(sa.update(assessments).where(assessments.c.case_id == case_id).values(completion=record))


def downgrade() -> None:
    connection = op.get_bind()
    sealed = dict(
        connection.execute(
            sa.select(outcome_reasons.c.case_id, outcome_reasons.c.sealed).where(outcome_reasons.c.sealed.is_not(None))
        ).all()
    )
    vault = vault_from_settings(Settings.from_env("assessment")) if sealed else None
    for case_id, record in connection.execute(sa.select(assessments.c.case_id, assessments.c.completion)).all():
        if record and "outcome" in record:
            # The earlier record always had reasons: erased ones come back empty.
            record["outcome"]["reasons"] = vault.open(sealed[case_id]) if vault and case_id in sealed else ""
            connection.execute(sa.update(assessments).where(assessments.c.case_id == case_id).values(completion=record))
    op.drop_table("reasons_access_audit")
    op.drop_table("outcome_reasons")
