"""What the API shows of assessments and follow-ups (plain dicts for the response schemas)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from hubs.assessment.domain.model import Assessment, FollowUp
from hubs.assessment.domain.outcomes import Outcomes


def assessment_record(a: Assessment) -> dict[str, Any]:
    """The assessment with its completion, if any."""
    c = a.completion
    record: dict[str, Any] = {
        "assessment_id": a.assessment_id,
        "case_id": a.case_id,
        "urgency": a.urgency,
        "referred_at": a.referred_at,
        "first_contact_at": a.first_contact_at,
        "status": a.status,
        "referral_id": a.referral_id,
        "risk": asdict(a.risk) if a.risk else None,
        "referral_demographics": asdict(a.referral_demographics) if a.referral_demographics is not None else None,
    }
    if c is None:
        return record
    disciplines = {p.discipline for p in c.practitioners}
    return record | {
        "completed_at": c.completed_at,
        "multidisciplinary": len(disciplines) > 1,
        "practitioners": [{"practitioner_id": p.practitioner_id, "discipline": p.discipline} for p in c.practitioners],
        "measures": c.measures.to_data(),
        "work_situation": asdict(c.work_situation),
        # The reasons are clinical free text: read only through the audited read, never in the record.
        "outcome": {k: v for k, v in asdict(c.outcome).items() if k != "reasons"},
        "signed_off_by": c.signed_off_by,
        "occupational_health_consent_recorded_at": c.occupational_health_consent_recorded_at,
        "demographics": asdict(c.demographics),
    }


def follow_up(f: FollowUp) -> dict[str, Any]:
    """A follow-up, due or measured."""
    return {
        "follow_up_id": f.follow_up_id,
        "case_id": f.case_id,
        "status": f.status,
        "due_on": f.due_on,
        "measures_due": [m.value for m in f.measures_due],
        "measured_at": f.measured_at,
        "measures": f.measures.to_data() if f.measures else None,
        "work_situation": f.work_situation,
    }


def case_outcomes(a: Assessment, follow_ups: list[FollowUp], outcomes: Outcomes | None) -> dict[str, Any]:
    """The case's outcomes with the follow-ups they come from."""
    measured = [f for f in follow_ups if f.measured_at is not None]
    return {
        "case_id": a.case_id,
        "first_measured_at": a.completion.completed_at if a.completion else None,
        "latest_measured_at": measured[-1].measured_at if measured else None,
        "outcomes": outcomes.to_data() if outcomes else None,
        "follow_ups": [follow_up(f) for f in follow_ups],
    }
