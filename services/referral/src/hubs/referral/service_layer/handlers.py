"""Handlers: plain functions that carry out one command in one unit of work."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from hubs.contracts import codes
from hubs.referral.adapters import metrics
from hubs.referral.adapters.repository import IntakeWrites
from hubs.referral.domain import commands, events
from hubs.referral.domain.model import (
    WAITING_STATES,
    CaseloadFilter,
    ContactAttempt,
    NotAssigned,
    OutOfOrder,
    Referral,
    ReferralNotOpen,
    waiting_state,
)
from hubs.referral.service_layer.context import ReferralContext
from hubs.referral.service_layer.unit_of_work import ReferralUow
from hubs.runtime.auth import Principal, Role
from hubs.runtime.refusals import NotFound, Refusal, Refused


@dataclass
class Intake:
    """What became of a submission: a new referral, or linked to the person's open referral.

    `submission_id` is the submission's own id, whatever it was linked to: its reference is made
    from it, so that the reference never tells who else has been in touch with the hub."""

    referral: Referral
    linked: bool
    submission_id: uuid.UUID


# Audit actions of an intake whose answer tells a clinician whether the person had an open referral.
FOUND_OPEN_REFERRAL = "look-up-person-found"
FOUND_NO_OPEN_REFERRAL = "look-up-person-not-found"
# The title this service's refusals of input have always had (RFC 9110's name for 422).
UNPROCESSABLE = "Unprocessable Content"


def not_found() -> NotFound:
    return NotFound("There is no such record in this hub.")


def not_open(exc: ReferralNotOpen) -> Refused:
    return Refused(f"The referral is {exc}; nothing more can be recorded on it.", conflict=True, code="not-open")


def out_of_order(exc: OutOfOrder) -> Refused:
    """422 naming the answer that breaks the pathway's order, nested as the request nests it."""
    return Refused(str(exc), field=exc.field, code="validation", title=UNPROCESSABLE)


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def receive_referral(
    cmd: commands.ReceiveReferral,
    uow: ReferralUow,
    ctx: ReferralContext,
    now: datetime | None = None,
    told_to: Principal | None = None,
) -> Intake:
    """Store a referral (personal details sealed), triage it and emit its events; a second open
    referral of the same person is linked to the first instead.

    Nobody may learn from the answer, or from how long it takes, whether the person was already in
    touch with the hub. So the work is the same either way: the submission is built, triaged and
    sealed before the look-up; then both outcomes are written by the same statements, and only
    the one that applies is kept. `told_to` is whoever is told whether the person had an open
    referral (a clinician or hub lead): that look-up is audited in the same transaction."""
    received_at = _now(now)
    person_keys = ctx.vault.person_keys(cmd.personal.email, cmd.personal.phone)
    submission = Referral.receive(
        source=cmd.source,
        received_at=received_at,
        risk_screen=cmd.risk_screen,
        staff_group=cmd.staff_group,
        employment_type=cmd.employment_type,
        at_risk_factors=cmd.at_risk_factors,
        demographics=cmd.demographics,
        heard_of_hub_via=cmd.heard_of_hub_via,
    )
    submission.triage(ctx.calendar, ctx.standard, received_at)
    sealed_personal = ctx.vault.seal(_personal(cmd))
    sealed_account = ctx.vault.seal(_account(cmd, received_at))
    urgent = cmd.risk_screen.urgency is codes.Urgency.URGENT
    with uow:
        # Held before the lookup: without it two submissions at once both find nothing and make twins.
        existing = uow.referrals.hold_and_find(person_keys)
        linked = existing is not None
        referral = existing if existing is not None else submission
        # A new referral's events: kept for a new one, not for a link.
        events = [(row, not linked) for row in uow.event_rows(submission)]
        escalated = False
        if urgent:
            # An urgent screen makes an open referral urgent, due sooner: that triage is kept when it
            # happened; otherwise the submission is triaged again, the same work, and that not kept.
            escalated = linked and referral.escalate(ctx.calendar, ctx.standard, received_at)
            if not escalated:
                submission.triage(ctx.calendar, ctx.standard, received_at)
            events += [(row, escalated) for row in uow.event_rows(referral if escalated else submission)]
        uow.referrals.receive(
            IntakeWrites(
                submission,
                sealed_personal,
                sealed_account,
                person_keys,
                linked_to=existing.referral_id if existing is not None else None,
                urgency_of=referral if escalated else None,
                outbox_rows=events,
            )
        )
        if told_to is not None:
            _audit(uow, told_to, referral, FOUND_OPEN_REFERRAL if linked else FOUND_NO_OPEN_REFERRAL, "referral")
        uow.commit()
    if linked:
        metrics.REFERRALS_LINKED.labels(cmd.source.value).inc()
    else:
        metrics.REFERRALS_RECEIVED.labels(referral.source.value, referral.urgency.value).inc()
    return Intake(referral, linked=linked, submission_id=submission.referral_id)


def _personal(cmd: commands.ReceiveReferral) -> dict[str, Any]:
    """The person's details, sealed as one; how they heard of the hub, in their own words, with them."""
    # Flat dataclasses of plain values: their fields as they are (asdict deep-copies each value).
    return {**vars(cmd.personal), "heard_of_hub_via": cmd.heard_of_hub_via}


def _account(cmd: commands.ReceiveReferral, received_at: datetime) -> dict[str, Any]:
    """How the referral came, sealed as one: the person's consent, who referred them and why, and
    the answers to the risk questions (health data: sealed, shown to clinicians on the audited read)."""
    return {
        **vars(cmd.consent),
        "recorded_at": received_at.isoformat(),
        "referrer": cmd.referrer,
        "reason": cmd.reason,
        "risk_screen": dict(vars(cmd.risk_screen)),
    }


@dataclass
class AttemptRecorded:
    """A recorded contact attempt; `first_contact` when it was the first successful one."""

    referral: Referral
    attempt: ContactAttempt
    first_contact: bool
    hours_to_first_contact: float | None
    working_hours_to_first_contact: float | None


def record_contact_attempt(
    cmd: commands.RecordContactAttempt, uow: ReferralUow, ctx: ReferralContext
) -> AttemptRecorded:
    """Record a contact attempt; the first success fixes the time to first contact."""
    with uow:
        referral = uow.referrals.get(cmd.referral_id, for_update=True)
        if referral is None:
            raise not_found()
        first_before = referral.first_contacted_at
        try:
            attempt = referral.record_contact_attempt(cmd.attempted_at, cmd.channel, cmd.outcome)
        except ReferralNotOpen as exc:
            raise not_open(exc) from exc
        except OutOfOrder as exc:
            raise out_of_order(exc) from exc
        facts: dict[str, Any] = {}
        first_now = first_before is None and referral.first_contacted_at is not None
        if first_now:
            facts = {
                "hours_to_first_contact": round(
                    (referral.first_contacted_at - referral.received_at).total_seconds() / 3600, 2
                ),
                "working_hours_to_first_contact": ctx.calendar.working_hours_between(
                    referral.received_at, referral.first_contacted_at
                ),
            }
            for event in referral.events:
                if isinstance(event, events.FirstContactMade):
                    event.working_hours = facts["working_hours_to_first_contact"]
        uow.referrals.save(referral, **facts)
        uow.commit()
    if first_now:
        urgency = referral.urgency.value
        metrics.TIME_TO_FIRST_CONTACT.labels(metrics.SERVICE, urgency, "calendar").observe(
            facts["hours_to_first_contact"]
        )
        metrics.TIME_TO_FIRST_CONTACT.labels(metrics.SERVICE, urgency, "working").observe(
            facts["working_hours_to_first_contact"]
        )
        if referral.breached():
            metrics.FIRST_CONTACT_BREACHES.labels(metrics.SERVICE, urgency).inc()
    hours = working = None
    if referral.first_contacted_at is not None:
        hours = round((referral.first_contacted_at - referral.received_at).total_seconds() / 3600, 2)
        working = ctx.calendar.working_hours_between(referral.received_at, referral.first_contacted_at)
    return AttemptRecorded(referral, attempt, first_now, hours, working)


def withdraw_referral(cmd: commands.WithdrawReferral, uow: ReferralUow, now: datetime | None = None) -> Referral:
    """Withdraw the referral with a reason; it closes as withdrawn."""
    return _end(cmd.referral_id, uow, lambda r, at: r.withdraw(cmd.reason, at), now)


def close_referral(cmd: commands.CloseReferral, uow: ReferralUow, now: datetime | None = None) -> Referral:
    """Close the referral with a reason; its retention period starts."""
    if cmd.reason is codes.ClosureReason.TRANSFERRED_TO_ANOTHER_HUB:
        raise Refused(
            "A transfer is recorded through a transfer, which closes the referral.",
            errors={"reason": ["Use a transfer to move a referral to another hub."]},
            code="validation",
            title=UNPROCESSABLE,
        )
    return _end(cmd.referral_id, uow, lambda r, at: r.close(cmd.reason, at), now)


def _end(referral_id, uow: ReferralUow, change, now: datetime | None) -> Referral:
    with uow:
        referral = uow.referrals.get(referral_id, for_update=True)
        if referral is None:
            raise not_found()
        try:
            change(referral, _now(now))
        except ReferralNotOpen as exc:
            raise not_open(exc) from exc
        uow.referrals.save(referral)
        uow.commit()
    return referral


def _audit(uow: ReferralUow, actor: Principal, referral: Referral | None, action: str, purpose: str) -> None:
    uow.referrals.audit(
        subject=actor.subject,
        roles=",".join(sorted(actor.roles)),
        hub_id=actor.hub_id,
        referral_id=referral.referral_id if referral else None,
        case_id=referral.case_id if referral else None,
        action=action,
        purpose=purpose,
    )


def read_personal_details(
    referral_id, uow: ReferralUow, ctx: ReferralContext, actor: Principal, purpose: str
) -> dict[str, Any]:
    """The referral with its personal details; the read is audited in the same transaction."""
    with uow:
        referral = uow.referrals.get(referral_id)
        if referral is None:
            raise not_found()
        sealed_personal, sealed_consent = uow.referrals.sealed_personal(referral_id)
        _audit(uow, actor, referral, "read-personal-details", purpose)
        linked = uow.referrals.linked(referral_id)
        uow.commit()
    metrics.PERSONAL_DATA_READS.labels(purpose).inc()
    consent = ctx.vault.open(sealed_consent) if sealed_consent else None
    personal = ctx.vault.open(sealed_personal) if sealed_personal else None
    return {
        "referral": referral,
        "personal": personal,
        # Kept with the personal details (sealed, erased and re-sealed with them), shown apart from them.
        "heard_of_hub_via": personal.pop("heard_of_hub_via", None) if personal else None,
        "consent": consent,
        # Kept with the consent (sealed, erased and re-sealed with it), shown apart from it.
        "reason": consent.pop("reason", None) if consent else None,
        # Kept with the consent too; None for a referral received before the answers were kept.
        "risk_screen": consent.pop("risk_screen", None) if consent else None,
        "linked_referrals": [
            {
                "link_id": link["link_id"],
                "source": link["source"],
                "received_at": link["received_at"],
                "reason": ctx.vault.open(link["sealed"]).get("reason") if link.get("sealed") else None,
            }
            for link in linked
        ],
    }


def access_audit(uow: ReferralUow, actor: Principal, **filters: Any) -> list[dict[str, Any]]:
    """Audit records for the hub lead; looking at the audit is itself audited."""
    with uow:
        records = uow.referrals.audit_records(**filters)
        _audit(uow, actor, None, "read-access-audit", "audit")
        uow.commit()
    return records


def raise_concern(
    cmd: commands.RaiseFitnessToPractiseConcern, uow: ReferralUow, ctx: ReferralContext, actor: Principal
):
    """Record a fitness-to-practise concern on the restricted route (hub lead only sees it)."""
    with uow:
        referral = uow.referrals.get(cmd.referral_id)
        if referral is None:
            raise not_found()
        concern_id = uow.referrals.add_concern(
            referral.referral_id, actor.subject, ctx.vault.seal({"concern": cmd.concern})
        )
        _audit(uow, actor, referral, "raise-fitness-to-practise-concern", "fitness-to-practise")
        uow.commit()
    return concern_id


def read_concerns(referral_id, uow: ReferralUow, ctx: ReferralContext, actor: Principal) -> list[dict[str, Any]]:
    """The fitness-to-practise concerns on a referral (hub lead), audited."""
    with uow:
        referral = uow.referrals.get(referral_id)
        if referral is None:
            raise not_found()
        rows = uow.referrals.concerns_of(referral_id)
        _audit(uow, actor, referral, "read-fitness-to-practise-concerns", "fitness-to-practise")
        uow.commit()
    return [
        {
            "concern_id": r["concern_id"],
            "raised_at": r["raised_at"],
            "raised_by": r["raised_by"],
            "concern": ctx.vault.open(r["sealed"])["concern"] if r["sealed"] else None,
        }
        for r in rows
    ]


def erase_on_request(
    cmd: commands.EraseReferral, uow: ReferralUow, actor: Principal, now: datetime | None = None
) -> Referral:
    """Erase a person's personal data at their request; the pseudonymous facts stay."""
    at = _now(now)
    with uow:
        referral = uow.referrals.get(cmd.referral_id, for_update=True)
        if referral is None:
            raise not_found()
        uow.referrals.erase_personal_data(referral.referral_id, at)
        referral.personal_data_erased(at, codes.ErasureReason.PERSON_REQUESTED)
        _audit(uow, actor, referral, "erase-personal-data", "erasure-request")
        uow.commit()
    metrics.PERSONAL_DATA_ERASED.labels("request").inc()
    return referral


def erase_expired(uow: ReferralUow, ctx: ReferralContext, now: datetime | None = None) -> int:
    """Erase personal data of referrals closed longer ago than the retention period."""
    at = _now(now)
    with uow:
        due = uow.referrals.closed_before(at - ctx.retention)
        for referral_id in due:
            uow.referrals.erase_personal_data(referral_id, at)
            uow.referrals.get(referral_id).personal_data_erased(at, codes.ErasureReason.RETENTION)
        uow.commit()
    if due:
        metrics.PERSONAL_DATA_ERASED.labels("retention").inc(len(due))
    return len(due)


def count_waiting(uow: ReferralUow, ctx: ReferralContext, now: datetime | None = None) -> dict[tuple[str, str], int]:
    """Referrals awaiting first contact by urgency and state (on-time, due-today, breached)."""
    at = _now(now)
    end_of_day = ctx.calendar.end_of_day(at)
    counts = {(u.value, state): 0 for u in codes.Urgency for state in WAITING_STATES}
    with uow:
        waiting = uow.referrals.awaiting_first_contact()
    for referral in waiting:
        counts[(referral.urgency.value, waiting_state(referral.first_contact_due_by, at, end_of_day))] += 1
    for (urgency, state), value in counts.items():
        metrics.WAITING_FOR_FIRST_CONTACT.labels(urgency, state).set(value)
        if state == "due-today":
            metrics.FIRST_CONTACT_AT_RISK.labels(metrics.SERVICE, urgency).set(value)
        elif state == "breached":
            metrics.FIRST_CONTACT_OVERDUE.labels(metrics.SERVICE, urgency).set(value)
    return counts


def rotate_keys(uow: ReferralUow, ctx: ReferralContext, actor: Principal) -> int:
    """Re-seal every stored personal value with the newest key, so older keys can be retired."""
    with uow:
        count = uow.referrals.reseal_all(ctx.vault.rotate)
        _audit(uow, actor, None, "rotate-personal-data-keys", "key-rotation")
        uow.commit()
    return count


# Audit action and purpose of a search by a person's details: the words are never kept.
SEARCHED_PERSONAL_DETAILS = "search-personal-details"
SEARCH_PURPOSE = "direct-care"
# A name is found by opening the sealed details of the newest open referrals, at most this many.
NAME_SEARCH_LIMIT = 2000


def forbidden(detail: str) -> Refusal:
    return Refusal(403, "Forbidden", detail, code="forbidden")


def assign_case(cmd: commands.AssignCase, uow: ReferralUow, actor: Principal, now: datetime | None = None) -> Referral:
    """Give the case to a clinician. A clinician takes a case for themselves, or hands one they
    hold to a colleague; a hub lead gives any case to anyone. From one clinician to another it
    needs a reason; the change is announced as CaseAssigned, with codes only."""
    lead = Role.HUB_LEAD.value in actor.roles
    with uow:
        referral = uow.referrals.get(cmd.referral_id, for_update=True)
        if referral is None:
            raise not_found()
        if not lead and cmd.clinician != actor.subject and referral.assigned_to != actor.subject:
            raise forbidden("A clinician may take a case, or hand a case they hold to a colleague.")
        try:
            referral.assign(cmd.clinician, cmd.name, _now(now), cmd.reason)
        except ReferralNotOpen as exc:
            raise not_open(exc) from exc
        except OutOfOrder as exc:
            raise out_of_order(exc) from exc
        uow.referrals.save(referral)
        uow.commit()
    return referral


def hand_back_case(cmd: commands.HandBackCase, uow: ReferralUow, actor: Principal, now: datetime | None = None):
    """The clinician who holds the case (or the hub lead) hands it back: nobody holds it."""
    with uow:
        referral = uow.referrals.get(cmd.referral_id, for_update=True)
        if referral is None:
            raise not_found()
        if Role.HUB_LEAD.value not in actor.roles and referral.assigned_to != actor.subject:
            raise forbidden("Only the clinician who holds the case, or the hub lead, may hand it back.")
        try:
            referral.hand_back(_now(now))
        except ReferralNotOpen as exc:
            raise not_open(exc) from exc
        except NotAssigned as exc:
            raise Refused("Nobody holds this case.", conflict=True, code="not-assigned") from exc
        uow.referrals.save(referral)
        uow.commit()
    return referral


def caseload(uow: ReferralUow, wanted: CaseloadFilter, *, offset: int, limit: int) -> tuple[list[Referral], int]:
    """Open cases as `wanted` says, a page of them and how many in all; no personal details."""
    with uow:
        return uow.referrals.open_referrals(wanted, offset=offset, limit=limit)


def search_by_person(
    words: str,
    uow: ReferralUow,
    ctx: ReferralContext,
    actor: Principal,
    *,
    offset: int,
    limit: int,
) -> tuple[list[Referral], int]:
    """Open cases of the person named by `words`: an email address or a telephone number, matched
    through the person index's keyed hashes, or a name, matched by opening the sealed details of
    the newest open referrals (NAME_SEARCH_LIMIT). The look-up is audited; the words are kept nowhere."""
    email, phone, name = _what_the_words_are(words)
    with uow:
        if name is None:
            found = uow.referrals.open_referrals_of(ctx.vault.person_keys(email, phone))
        else:
            found = [
                referral_id
                for referral_id, sealed in uow.referrals.sealed_details_of_open(NAME_SEARCH_LIMIT)
                if _named(ctx.vault.open(sealed).get("name"), name)
            ]
        _audit(uow, actor, None, SEARCHED_PERSONAL_DETAILS, SEARCH_PURPOSE)
        page = uow.referrals.open_referrals(CaseloadFilter(), offset=offset, limit=limit, among=found)
        uow.commit()
    return page


def _what_the_words_are(words: str) -> tuple[str | None, str | None, list[str] | None]:
    """An email address (it has an @), a telephone number (digits, spaces, + ( ) -), or a name."""
    words = words.strip()
    if "@" in words:
        return words, None, None
    if all(c.isdigit() or c in " +()-" for c in words) and sum(c.isdigit() for c in words) >= 6:
        return None, words, None
    return None, None, words.casefold().split()


def _named(name: str | None, words: list[str]) -> bool:
    """Every word searched for is in the name (a first name alone, or a surname, finds it)."""
    if not name:
        return False
    parts = name.casefold()
    return all(word in parts for word in words)
