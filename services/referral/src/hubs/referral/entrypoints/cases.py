"""HTTP API of the referral service for one referral: personal details (audited), contact
attempts, transfers, withdrawal and closure, erasure and fitness-to-practise concerns; and the
access audit for the hub lead."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import jwt
from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from hubs.contracts import codes
from hubs.referral.domain import commands
from hubs.referral.entrypoints.api import queue_entry, reference_of
from hubs.referral.entrypoints.schemas import (
    AssignmentSchema,
    AssignmentStatusSchema,
    AuditQuerySchema,
    AuditRecordSchema,
    ClosureSchema,
    ConcernEntrySchema,
    ConcernRecordedSchema,
    ConcernSchema,
    ContactAttemptRecordedSchema,
    ContactAttemptSchema,
    KeyRotationSchema,
    PurposeSchema,
    ReferralDetailSchema,
    StatusSchema,
    TransferredSchema,
    TransferSchema,
    WithdrawalSchema,
)
from hubs.referral.service_layer import handlers, transfers
from hubs.referral.service_layer.context import ReferralContext
from hubs.runtime.auth import Role, current_principal, requires
from hubs.runtime.refusals import Refused

blp = Blueprint("cases", __name__, url_prefix="/v1", description="One referral, from first contact to closure")


def _uow():
    return current_app.extensions["hubs_wiring"].uow_factory()


def _context() -> ReferralContext:
    return current_app.extensions["hubs_wiring"].extras["referral"]


def _status(referral) -> dict:
    return {
        "referral_id": referral.referral_id,
        "status": referral.status,
        "closed_at": referral.closed_at,
        "closure_reason": referral.closure_reason,
        "erased_at": referral.erased_at,
    }


@blp.route("/referrals/<uuid:referral_id>")
class ReferralDetail(MethodView):
    @blp.arguments(PurposeSchema(), location="query", unknown=RAISE)
    @blp.response(200, ReferralDetailSchema)
    @requires(Role.CLINICIAN, Role.HUB_LEAD)
    def get(self, query: dict, referral_id: uuid.UUID):
        """The referral with its personal details; every read is audited with its purpose."""
        ctx = _context()
        found = handlers.read_personal_details(referral_id, _uow(), ctx, current_principal(), query["purpose"])
        referral = found["referral"]
        return {
            **queue_entry(referral, datetime.now(UTC), ctx),
            "status": referral.status,
            "staff_group": referral.staff_group,
            "employment_type": referral.employment_type,
            "at_risk_factors": referral.at_risk_factors,
            "first_contacted_at": referral.first_contacted_at,
            "contact_attempts": [vars(a) for a in referral.contact_attempts],
            "personal": found["personal"],
            "heard_of_hub_via": found["heard_of_hub_via"],
            "consent": found["consent"],
            "reason": found["reason"],
            "risk_screen": found["risk_screen"],
            "linked_referrals": [
                {
                    # The reference the later referral's sender was given: theirs alone.
                    "reference": reference_of(link["link_id"]),
                    "source": link["source"],
                    "received_at": link["received_at"].isoformat(),
                    "reason": link["reason"],
                }
                for link in found["linked_referrals"]
            ],
        }


@blp.route("/referrals/<uuid:referral_id>/contact-attempts")
class ContactAttempts(MethodView):
    @blp.arguments(ContactAttemptSchema())
    @blp.response(201, ContactAttemptRecordedSchema)
    @requires(Role.CLINICIAN, Role.HUB_LEAD)
    def post(self, body: dict, referral_id: uuid.UUID):
        """Record a contact attempt (when, channel, outcome); the first success is first contact."""
        attempted_at = body["attempted_at"] or datetime.now(UTC)
        recorded = handlers.record_contact_attempt(
            commands.RecordContactAttempt(referral_id, attempted_at, body["channel"], body["outcome"]),
            _uow(),
            _context(),
        )
        return {
            "contact_attempt_id": recorded.attempt.contact_attempt_id,
            "attempt_number": recorded.attempt.attempt_number,
            "first_contact": recorded.first_contact,
            "first_contacted_at": recorded.referral.first_contacted_at,
            "hours_to_first_contact": recorded.hours_to_first_contact,
            "working_hours_to_first_contact": recorded.working_hours_to_first_contact,
            "breached": recorded.referral.breached(),
        }


@blp.route("/referrals/<uuid:referral_id>/transfers")
class Transfers(MethodView):
    @blp.arguments(TransferSchema())
    @blp.response(201, TransferredSchema)
    @requires(Role.CLINICIAN, Role.HUB_LEAD)
    def post(self, body: dict, referral_id: uuid.UUID):
        """Transfer the referral to a neighbouring hub, at the person's request and with their agreement."""
        transfer_id = transfers.transfer_referral(
            commands.TransferReferral(
                referral_id,
                body["to_hub_id"],
                body["reason"],
                body["consent"]["recorded_at"],
                body["consent"]["method"],
            ),
            _uow(),
            _context(),
            current_principal(),
        )
        return {"transfer_id": transfer_id, "to_hub_id": body["to_hub_id"]}


def _name_claim() -> str | None:
    """The caller's name from their token, which `requires` has verified for this request already."""
    _, _, token = request.headers.get("Authorization", "").partition(" ")
    try:
        name = jwt.decode(token.strip(), options={"verify_signature": False}).get("name")
    except jwt.InvalidTokenError:
        return None
    return (name.strip()[:200] or None) if isinstance(name, str) else None


def _assignment(referral) -> dict:
    return {
        "referral_id": referral.referral_id,
        "assigned_to": referral.assigned_to,
        "assigned_to_name": referral.assigned_to_name,
        "assigned_at": referral.assigned_at,
    }


@blp.route("/referrals/<uuid:referral_id>/assignment")
class Assignment(MethodView):
    @blp.arguments(AssignmentSchema())
    @blp.response(200, AssignmentStatusSchema)
    @blp.doc(
        description="A clinician takes the case (`clinician`: their own sign-in subject) or hands a case they "
        "hold to a colleague; a hub lead gives any case to any clinician of the hub. From one clinician to "
        "another it needs a `reason` (422 `errors.reason` without). `name` is the clinician's name as "
        "colleagues know it (for yourself, your token's `name` claim when not given; for someone else, "
        "required). Announced as `CaseAssigned`, with codes only."
    )
    @requires(Role.CLINICIAN, Role.HUB_LEAD)
    def post(self, body: dict, referral_id: uuid.UUID):
        """Give the case to a clinician: yourself, or a colleague."""
        actor = current_principal()
        name = body["name"]
        if name is None and body["clinician"] == actor.subject:
            name = _name_claim()
        if name is None and body["clinician"] != actor.subject:
            raise Refused(
                "Give the name of the clinician who is to hold the case.",
                field="name",
                code="validation",
                title=handlers.UNPROCESSABLE,
            )
        referral = handlers.assign_case(
            commands.AssignCase(referral_id, body["clinician"], name, body["reason"]), _uow(), actor
        )
        return _assignment(referral)

    @blp.response(200, AssignmentStatusSchema)
    @requires(Role.CLINICIAN, Role.HUB_LEAD)
    def delete(self, referral_id: uuid.UUID):
        """Hand the case back: nobody holds it until someone takes it (the holder, or the hub lead)."""
        return _assignment(handlers.hand_back_case(commands.HandBackCase(referral_id), _uow(), current_principal()))


@blp.route("/referrals/<uuid:referral_id>/withdrawal")
class Withdrawal(MethodView):
    @blp.arguments(WithdrawalSchema())
    @blp.response(200, StatusSchema)
    @requires(Role.CLINICIAN, Role.HUB_LEAD)
    def post(self, body: dict, referral_id: uuid.UUID):
        """Withdraw the referral, with a reason; it closes as withdrawn."""
        return _status(handlers.withdraw_referral(commands.WithdrawReferral(referral_id, body["reason"]), _uow()))


@blp.route("/referrals/<uuid:referral_id>/closure")
class Closure(MethodView):
    @blp.arguments(ClosureSchema())
    @blp.response(200, StatusSchema)
    @requires(Role.CLINICIAN, Role.HUB_LEAD)
    def post(self, body: dict, referral_id: uuid.UUID):
        """Close the referral, with a reason; its retention period starts."""
        return _status(
            handlers.close_referral(
                commands.CloseReferral(referral_id, codes.ClosureReason(body["reason"].value)), _uow()
            )
        )


@blp.route("/referrals/<uuid:referral_id>/erasure")
class Erasure(MethodView):
    @blp.response(200, StatusSchema)
    @requires(Role.HUB_LEAD)
    def post(self, referral_id: uuid.UUID):
        """Erase the person's personal data at their request; pseudonymous facts stay."""
        return _status(handlers.erase_on_request(commands.EraseReferral(referral_id), _uow(), current_principal()))


@blp.route("/referrals/<uuid:referral_id>/fitness-to-practise-concerns")
class Concerns(MethodView):
    @blp.arguments(ConcernSchema())
    @blp.response(201, ConcernRecordedSchema)
    @requires(Role.CLINICIAN, Role.HUB_LEAD)
    def post(self, body: dict, referral_id: uuid.UUID):
        """Raise a fitness-to-practise concern: a restricted route, seen by the hub lead only."""
        concern_id = handlers.raise_concern(
            commands.RaiseFitnessToPractiseConcern(referral_id, body["concern"]),
            _uow(),
            _context(),
            current_principal(),
        )
        return {"concern_id": concern_id}

    @blp.response(200, ConcernEntrySchema(many=True))
    @requires(Role.HUB_LEAD)
    def get(self, referral_id: uuid.UUID):
        """The fitness-to-practise concerns on a referral (hub lead only; audited)."""
        return handlers.read_concerns(referral_id, _uow(), _context(), current_principal())


@blp.route("/personal-data/key-rotation")
class KeyRotation(MethodView):
    @blp.response(200, KeyRotationSchema)
    @requires(Role.HUB_LEAD)
    def post(self):
        """Re-seal all personal data with the newest key; afterwards older keys can be removed."""
        return {"resealed": handlers.rotate_keys(_uow(), _context(), current_principal())}


@blp.route("/access-audit")
class AccessAudit(MethodView):
    @blp.arguments(AuditQuerySchema(), location="query", unknown=RAISE)
    @blp.response(200, AuditRecordSchema(many=True))
    @requires(Role.HUB_LEAD)
    def get(self, query: dict):
        """Who read personal data, when, in which role and why (newest first, at most 1000)."""
        return handlers.access_audit(_uow(), current_principal(), **query)
