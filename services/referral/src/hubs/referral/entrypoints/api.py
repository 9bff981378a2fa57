"""HTTP API of the referral service: the front door (referrals) and the clinicians' queue."""

from __future__ import annotations

import functools
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE
from werkzeug.exceptions import Forbidden

from hubs.contracts import codes
from hubs.referral.domain import commands
from hubs.referral.domain.duty import reference_of
from hubs.referral.domain.model import OPEN_STATUSES, CaseloadFilter, Demographics, Referral, RiskScreen
from hubs.referral.entrypoints.schemas import (
    CaseloadQuerySchema,
    CaseloadSchema,
    CaseSearchSchema,
    ColleagueReferralAcceptedSchema,
    ColleagueReferralSchema,
    PersonSearchSchema,
    QueueEntrySchema,
    ReferralAcceptedSchema,
    SelfReferralSchema,
    ThirdPartyAcceptedSchema,
    ThirdPartyReferralSchema,
)
from hubs.referral.service_layer import handlers
from hubs.referral.service_layer.context import ReferralContext
from hubs.runtime.auth import Role, current_principal, requires
from hubs.runtime.forwarding import FROM_PORTAL_ENVIRON
from hubs.runtime.ratelimit import rate_limited

CONFIDENTIALITY = (
    "What you tell the hub is confidential. Your employer, your manager and Occupational "
    "Health are not told that you contacted us unless you agree. Only the hub's clinical team "
    "can read your contact details; everything the hub reports is counted, never named."
)

blp = Blueprint("referrals", __name__, url_prefix="/v1", description="Referrals to the hub")


def _wiring():
    return current_app.extensions["hubs_wiring"]


def _context() -> ReferralContext:
    return _wiring().extras["referral"]


def _command(
    body: dict,
    source: codes.ReferralSource,
    consent: commands.Consent,
    referrer: dict | None,
    reason: str | None = None,
):
    return commands.ReceiveReferral(
        personal=commands.PersonalDetails(
            name=body["name"],
            email=body["email"],
            phone=body["phone"],
            employer=body["employer"],
            job_role=body["job_role"],
            date_of_birth=body["date_of_birth"] and body["date_of_birth"].isoformat(),
            preferred_contact=body["preferred_contact"] and body["preferred_contact"].value,
            voicemail_ok=body["voicemail_ok"],
            text_ok=body["text_ok"],
        ),
        risk_screen=RiskScreen(**body["risk_screen"]),
        consent=consent,
        source=source,
        referrer=referrer,
        reason=reason,
        staff_group=body["staff_group"],
        employment_type=body["employment_type"],
        at_risk_factors=body["at_risk_factors"],
        demographics=Demographics(**body["demographics"]),
        heard_of_hub_via=body["heard_of_hub_via"],
    )


def first_contact_due(urgency: codes.Urgency, now: datetime) -> datetime:
    """When the hub will have made first contact at the latest, by its standard for this urgency.
    Worked out from this referral alone, so that it says nothing of any earlier one."""
    ctx = _context()
    return ctx.standard.due_by(ctx.calendar, now, urgency is codes.Urgency.URGENT)


def from_the_portal(view):
    """Only the portal may call this: it shows its service token (HUBS_PORTAL_SERVICE_TOKEN_FILE).
    Checked before the body is read, so nobody else learns anything from validation messages."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not request.environ.get(FROM_PORTAL_ENVIRON):
            raise Forbidden("Only the hub's portal may send this.")
        return view(*args, **kwargs)

    return wrapper


def _reason(body: dict) -> str | None:
    """The referrer's reason for referral, trimmed; blank is no reason."""
    return (body["reason"] or "").strip() or None


@blp.route("/self-referrals")
class SelfReferrals(MethodView):
    @blp.arguments(SelfReferralSchema())
    @blp.response(201, ReferralAcceptedSchema)
    @blp.doc(description=f"Refer yourself to the hub. No sign-in is needed. **Confidentiality:** {CONFIDENTIALITY}")
    # Per client address: generous, since many staff of one trust may share an address.
    @rate_limited("self-referral", default="60/minute;burst=30", setting="HUBS_SELF_REFERRAL_RATE_LIMIT")
    def post(self, body: dict):
        """Refer yourself to the hub, in confidence."""
        now = datetime.now(UTC)
        consent = commands.Consent(given_by="self", given_at=now.isoformat(), method="online-form")
        intake = handlers.receive_referral(
            _command(body, codes.ReferralSource.SELF, consent, None), _wiring().uow_factory(), _context(), now
        )
        # The answer is the same whether or not the person already had an open referral (its own
        # reference, this screen's urgency, this time), so that nobody can learn from it whether
        # someone has been in touch with the hub.
        urgency = RiskScreen(**body["risk_screen"]).urgency
        return {
            "reference": reference_of(intake.submission_id),
            "urgency": urgency,
            "received_at": now,
            "first_contact_due_by": first_contact_due(urgency, now),
            "next_steps": (
                "A clinician will contact you as a priority. If you are in immediate danger call 999, "
                "or call NHS 111 (option 2 for mental health), or Samaritans on 116 123."
                if urgency is codes.Urgency.URGENT
                else "A clinician from the hub will contact you to talk about how you are and what might help."
            ),
        }


@blp.route("/colleague-referrals")
class ColleagueReferrals(MethodView):
    @from_the_portal
    @blp.arguments(ColleagueReferralSchema())
    @blp.response(201, ColleagueReferralAcceptedSchema)
    @blp.doc(
        description="A line manager, Occupational Health, HR or a GP refers a colleague, with their consent, "
        "without an account: through the portal only (its service token), rate-limited like self-referral. "
        "The referrer is known by their work email. The answer is the same whether or not the person was "
        "already in touch with the hub."
    )
    @rate_limited("colleague-referral", default="60/minute;burst=30", setting="HUBS_SELF_REFERRAL_RATE_LIMIT")
    def post(self, body: dict):
        """Refer a colleague to the hub, with their consent, without an account."""
        now = datetime.now(UTC)
        c = body["consent"]
        consent = commands.Consent(given_by=c["given_by"], given_at=c["given_at"].isoformat(), method=c["method"])
        intake = handlers.receive_referral(
            _command(body, codes.ReferralSource(body["source"].value), consent, body["referrer"], _reason(body)),
            _wiring().uow_factory(),
            _context(),
            now,
        )
        # Like a signed-in referrer's answer: nothing in it says whether the person was known.
        urgency = RiskScreen(**body["risk_screen"]).urgency
        return {
            "reference": reference_of(intake.submission_id),
            "urgency": urgency,
            "received_at": now,
            "first_contact_due_by": first_contact_due(urgency, now),
        }


# Roles that see the hub's cases anyway, and so may be told a referral was linked to an open one.
CLINICAL_ROLES = frozenset({Role.CLINICIAN.value, Role.HUB_LEAD.value})


@blp.route("/referrals")
class Referrals(MethodView):
    @blp.arguments(CaseloadQuerySchema(), location="query", unknown=RAISE)
    @blp.response(200, CaseloadSchema)
    @requires(Role.CLINICIAN, Role.HUB_LEAD)
    def get(self, query: dict):
        """Open referrals, newest first, a page at a time: by stage, by who holds them (`me`, `nobody`
        or a clinician), urgency, raised risk, wait, those whose record the caller opened, or by
        reference. No personal details: a case is opened, with its purpose, to see them."""
        return _caseload(query)

    @blp.arguments(ThirdPartyReferralSchema())
    @blp.response(201, ThirdPartyAcceptedSchema)
    @blp.doc(description="Refer a member of staff, with their consent (who gave it, when and how).")
    @requires(Role.REFERRER, Role.CLINICIAN, Role.HUB_LEAD)
    def post(self, body: dict):
        """Refer a member of staff to the hub, with their consent."""
        now = datetime.now(UTC)
        c = body["consent"]
        consent = commands.Consent(given_by=c["given_by"], given_at=c["given_at"].isoformat(), method=c["method"])
        principal = current_principal()
        clinical = bool(principal.roles & CLINICAL_ROLES)
        intake = handlers.receive_referral(
            _command(body, codes.ReferralSource(body["source"].value), consent, body["referrer"], _reason(body)),
            _wiring().uow_factory(),
            _context(),
            now,
            # A clinician's answer says whether the person was in touch: that look-up is audited.
            told_to=principal if clinical else None,
        )
        if not clinical:
            # A referrer (a manager, HR, Occupational Health) must not learn from the answer
            # whether the person was already in touch with the hub: the same answer either way.
            return {
                "reference": reference_of(intake.submission_id),
                "urgency": RiskScreen(**body["risk_screen"]).urgency,
                "received_at": now,
            }
        return {
            "referral_id": intake.referral.referral_id,
            "reference": reference_of(intake.submission_id),
            "urgency": intake.referral.urgency,
            "received_at": intake.referral.received_at,
            "linked": intake.linked,
        }


@blp.route("/case-searches")
class CaseSearches(MethodView):
    @blp.arguments(CaseSearchSchema())
    @blp.response(200, CaseloadSchema)
    @blp.doc(
        description="The open referrals of the cases another service lists (the assessment service's follow-ups "
        "due, care co-ordination's people waiting for a service), with the caseload's filters, newest first, a "
        "page at a time. The case ids go in the body: a hub's list of them is too long for a URL."
    )
    @requires(Role.CLINICIAN, Role.HUB_LEAD)
    def post(self, body: dict):
        """Open referrals among these cases, as the caseload lists them."""
        return _caseload(body, tuple(dict.fromkeys(body["case_ids"])))


# `assigned_to` values that are not a clinician's subject.
ME, NOBODY = "me", "nobody"


def _caseload(query: dict[str, Any], case_ids: tuple[uuid.UUID, ...] | None = None) -> dict[str, Any]:
    """A page of the caseload as `query` asks (the caseload's filters), among `case_ids` if given."""
    size = query["page_size"]
    now, ctx = datetime.now(UTC), _context()
    holder, me = query["assigned_to"], current_principal().subject
    wanted = CaseloadFilter(
        statuses=tuple(query["status"] or OPEN_STATUSES),
        assigned_to=None if holder in (None, NOBODY) else (me if holder == ME else holder),
        unassigned=holder == NOBODY,
        opened_by=me if query["opened_by_me"] else None,
        urgency=query["urgency"],
        raised_risk=query["risk"] == "raised",
        waiting=query["waiting"],
        now=now,
        end_of_day=ctx.calendar.end_of_day(now),
        reference=query["reference"],
        case_ids=case_ids,
    )
    found, total = handlers.caseload(_wiring().uow_factory(), wanted, offset=(query["page"] - 1) * size, limit=size)
    return caseload_page(found, total, query["page"], size, now)


def caseload_page(found: list[Referral], total: int, page: int, size: int, now: datetime) -> dict[str, Any]:
    ctx = _context()
    entries = [
        {**queue_entry(r, now, ctx), "status": r.status, "first_contacted_at": r.first_contacted_at} for r in found
    ]
    return {"referrals": entries, "page": page, "page_size": size, "total": total}


@blp.route("/referral-searches")
class ReferralSearches(MethodView):
    @blp.arguments(PersonSearchSchema())
    @blp.response(200, CaseloadSchema)
    @blp.doc(
        description="Find the open cases of a person by their email address, telephone number or name. The words "
        "go in the body, so that they are in no URL or access log; each search is written to the access "
        "audit (`search-personal-details`, purpose `direct-care`), never the words. An email or a number is "
        "matched through the person index's keyed hashes; a name by opening the sealed details of the newest "
        f"{handlers.NAME_SEARCH_LIMIT:,} open referrals."
    )
    @requires(Role.CLINICIAN, Role.HUB_LEAD)
    def post(self, body: dict):
        """Find a person's open cases by their email, telephone number or name (audited)."""
        size = body["page_size"]
        found, total = handlers.search_by_person(
            body["words"],
            _wiring().uow_factory(),
            _context(),
            current_principal(),
            offset=(body["page"] - 1) * size,
            limit=size,
        )
        return caseload_page(found, total, body["page"], size, datetime.now(UTC))


def queue_entry(referral: Referral, now: datetime, ctx: ReferralContext) -> dict[str, Any]:
    """A referral as the queue shows it: what is due when, and whether it breaches today."""
    due = referral.first_contact_due_by
    return {
        "referral_id": referral.referral_id,
        "case_id": referral.case_id,
        "reference": reference_of(referral.referral_id),
        "source": referral.source,
        "urgency": referral.urgency,
        "received_at": referral.received_at,
        "first_contact_due_by": due,
        "hours_left": round((due - now).total_seconds() / 3600, 2) if due else None,
        "breaches_today": bool(due and due <= ctx.calendar.end_of_day(now)),
        "breached": bool(due and due <= now),
        "attempts": len(referral.contact_attempts),
        "transferred_from_hub": referral.transferred_from_hub,
        "assigned_to": referral.assigned_to,
        "assigned_to_name": referral.assigned_to_name,
        "assigned_at": referral.assigned_at,
    }


def ordered_queue(waiting: list[Referral]) -> list[Referral]:
    """Urgent first; then the least time left before the standard is breached."""
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(
        waiting,
        key=lambda r: (r.urgency is not codes.Urgency.URGENT, r.first_contact_due_by or far, r.received_at),
    )


@blp.route("/queue")
class Queue(MethodView):
    @blp.response(200, QueueEntrySchema(many=True))
    @requires(Role.CLINICIAN, Role.HUB_LEAD)
    def get(self):
        """Referrals awaiting first contact: urgent first, then by time left before breach."""
        now = datetime.now(UTC)
        with _wiring().uow_factory() as uow:
            waiting = uow.referrals.awaiting_first_contact()
        ctx = _context()
        return [queue_entry(r, now, ctx) for r in ordered_queue(waiting)]
