"""Where in the pathway a case stands, as the caseload filters by it. The referral service keeps
the caseload; these facts live elsewhere: a follow-up due in the assessment service, a wait for a
service in care co-ordination. Each list gives the cases, which the referral service then shows
with the caseload's other filters."""

from __future__ import annotations

from datetime import date
from typing import Any

FOLLOW_UP_DUE = "follow-up-due"
WAITING_FOR_A_SERVICE = "waiting-for-a-service"
# (code, words, the service and path that lists them)
PATHWAY_LISTS = [
    (FOLLOW_UP_DUE, "Follow-up due or overdue", "assessment", "/v1/follow-ups"),
    (WAITING_FOR_A_SERVICE, "Waiting for a service", "care", "/v1/waits"),
]
PATHWAY_CHOICES = [(code, words) for code, words, _service, _path in PATHWAY_LISTS]
# What the caseload says it could not read, when the service keeping the list does not answer.
LIST_NAMES = {FOLLOW_UP_DUE: "Follow-ups due", WAITING_FOR_A_SERVICE: "People waiting for a service"}


def cases_listed(pathway: str, listed: list[dict[str, Any]], today: date) -> list[str]:
    """The case ids of `pathway`'s list as its service gave it: follow-ups not yet taken whose day
    has come (by `today`, England's), or onward referrals still waiting for their service to start."""
    if pathway == FOLLOW_UP_DUE:
        return [f["case_id"] for f in listed if f.get("due_on") and date.fromisoformat(f["due_on"]) <= today]
    return [w["case_id"] for w in listed]
