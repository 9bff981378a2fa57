"""The risk history: every escalation of a raised risk (at assessment, at a follow-up, between
sittings), with who escalated it. The escalations made at assessments already signed off are
carried over from their records; those made later were not kept before and cannot be.

Revision ID: 0006
Revises: 0005
"""

import uuid
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

assessments = sa.table("assessments", sa.column("case_id", sa.Uuid()), sa.column("completion", sa.JSON()))


def upgrade() -> None:
    risk_escalations = op.create_table(
        "risk_escalations",
        sa.Column("risk_escalation_id", sa.Uuid(), primary_key=True),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("risk_to_self", sa.Boolean(), nullable=False),
        sa.Column("risk_to_others", sa.Boolean(), nullable=False),
        sa.Column("route", sa.String(40), nullable=False),
        sa.Column("occasion", sa.String(20), nullable=False),
        sa.Column("escalated_by", sa.String(200), nullable=False),
        sa.Column("escalated_by_name", sa.String(200), nullable=False),
    )
    op.create_index("ix_risk_escalations_case_id", "risk_escalations", ["case_id"])
    # A raised risk at a signed-off assessment was escalated then, by whoever signed it off.
    connection = op.get_bind()
    carried = [
        {
            "risk_escalation_id": uuid.uuid4(),
            "case_id": case_id,
            "escalated_at": datetime.fromisoformat(record["completed_at"]),
            "level": record["risk"]["level"],
            "risk_to_self": bool(record["risk"]["risk_to_self"]),
            "risk_to_others": bool(record["risk"]["risk_to_others"]),
            "route": record["risk"]["route"],
            "occasion": "assessment",
            "escalated_by": record["signed_off_by"],
            "escalated_by_name": record["signed_off_by"],
        }
        for case_id, record in connection.execute(sa.select(assessments.c.case_id, assessments.c.completion))
        if record and record.get("completed_at") and _raised(record.get("risk") or {})
    ]
    if carried:
        op.bulk_insert(risk_escalations, carried)


def _raised(risk: dict) -> bool:
    # As the domain's Risk.raised: a level above low, or a risk to self or others (and so a route).
    raised = risk.get("level") not in (None, "low") or risk.get("risk_to_self") or risk.get("risk_to_others")
    return bool(raised and risk.get("route"))


def downgrade() -> None:
    op.drop_table("risk_escalations")
