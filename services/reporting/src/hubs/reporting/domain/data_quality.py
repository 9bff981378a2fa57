"""How complete the hub's records are for a period, from its own case facts: what the hub lead
should chase before the figures go to the national team. Counts only, never a case."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from hubs.reporting.domain import catalogue as cat
from hubs.reporting.domain.case_facts import CaseFacts, as_day
from hubs.reporting.domain.periods import period_bounds

# An onward referral with no reply (accepted, declined or started) after six weeks: the wait is
# not known, and the NHS Talking Therapies six-week standard cannot be judged.
NO_REPLY_AFTER = timedelta(weeks=6)


def data_quality(period_type: str, period: str, cases: Iterable[CaseFacts], today: date) -> dict[str, Any]:
    """Counts of the gaps in a period's records: referrals without demographics or an outcome,
    facts without a referral, and waits that cannot be measured. A period not over yet is
    judged as of `today`."""
    first, last = period_bounds(period_type, period)
    end = min(last, today)

    def holds(value: str | None) -> bool:
        return value is not None and first <= as_day(value) <= last

    def by_end(value: str | None) -> bool:
        return value is not None and as_day(value) <= end

    referrals = 0
    missing = dict.fromkeys(cat.DIMENSIONS, 0)
    without_outcome = without_referral = waits_unknown = without_reply = 0
    for case in cases:
        referral = case.get("referral")
        onward = list((case.get("onward") or {}).values())
        # A case transferred in may come without the referral the other hub received.
        if referral is None and not case.get("transferred_in_at") and _has_facts_in(case, holds):
            without_referral += 1
        if referral is not None and holds(referral["received_at"]):
            referrals += 1
            for dimension in cat.DIMENSIONS:
                missing[dimension] += not referral.get(dimension)
            outcomes = [
                *(a.get("completed_at") for a in (case.get("assessments") or {}).values()),
                *(s.get("on") for s in (case.get("signposted") or {}).values()),
                *(o.get("made_on") for o in onward),
                case.get("withdrawn_at"), case.get("transferred_out_at"), case.get("referral_closed_at"),
                (case.get("episode_closed") or {}).get("closed_at"),
            ]  # fmt: skip
            without_outcome += not any(by_end(v) for v in outcomes)
        for o in onward:
            if holds(o.get("started_on")) and not o.get("made_on"):
                waits_unknown += 1
            made = o.get("made_on")
            replied = any(by_end(o.get(e)) for e in ("accepted_on", "declined_on", "started_on", "ended_on"))
            if made and by_end(made) and not replied and end - as_day(made) > NO_REPLY_AFTER:
                without_reply += 1
    return {
        "referrals_received": referrals,
        "referrals_missing_demographics": missing,
        "referrals_without_outcome": without_outcome,
        "cases_without_referral": without_referral,
        "treatments_started_with_unknown_wait": waits_unknown,
        "onward_referrals_without_reply_after_6_weeks": without_reply,
    }


def _has_facts_in(case: CaseFacts, holds) -> bool:
    """True when something happened to the case in the period (the facts the figures read)."""
    found = False

    def walk(value: Any, key: str = "") -> None:
        nonlocal found
        if found:
            return
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and (key.endswith(("_at", "_on")) or key == "on") and holds(value):
            found = True

    walk(case)
    return found
