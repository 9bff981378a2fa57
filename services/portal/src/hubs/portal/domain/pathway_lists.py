"""Where in the pathway a case stands, as the caseload filters by it. The referral service keeps
the caseload; these facts live elsewhere: a follow-up due in the assessment service, a wait for a
service in care co-ordination. Each list gives the cases, which the referral service then shows
with the caseload's other filters."""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

FOLLOW_UP_DUE = "follow-up-due"
WAITING_FOR_A_SERVICE = "waiting-for-a-service"


class PathwayList(NamedTuple):
    code: str
    words: str  # as the caseload's filter offers it
    name: str  # as the caseload says it, when the service keeping the list does not answer
    service: str
    path: str


PATHWAY_LISTS = {
    FOLLOW_UP_DUE: PathwayList(
        FOLLOW_UP_DUE, "Follow-up due or overdue", "Follow-ups due", "assessment", "/v1/follow-ups"
    ),
    WAITING_FOR_A_SERVICE: PathwayList(
        WAITING_FOR_A_SERVICE, "Waiting for a service", "People waiting for a service", "care", "/v1/waits"
    ),
}
PATHWAY_CHOICES = [(p.code, p.words) for p in PATHWAY_LISTS.values()]


def cases_listed(pathway: str, listed: list[dict[str, Any]], today: date) -> list[str]:
    """The case ids of `pathway`'s list as its service gave it: follow-ups not yet taken whose day
    has come (by `today`, England's), or onward referrals still waiting for their service to start."""
    if pathway == FOLLOW_UP_DUE:
        return [f["case_id"] for f in listed if f.get("due_on") and date.fromisoformat(f["due_on"]) <= today]
    return [w["case_id"] for w in listed]
