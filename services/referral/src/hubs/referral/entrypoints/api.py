"""HTTP API of the referral service."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from hubs.contracts import codes
from hubs.referral.domain import commands
from hubs.referral.domain.model import Demographics, RiskScreen
from hubs.referral.entrypoints.schemas import QueueEntrySchema, ReferralAcceptedSchema, SelfReferralSchema
from hubs.referral.service_layer import handlers
from hubs.runtime.auth import Role, requires

CONFIDENTIALITY = (
    "What you tell the hub is confidential. Your employer, your manager and Occupational "
    "Health are not told that you contacted us unless you agree. Only the hub's clinical team "
    "can read your contact details; everything the hub reports is counted, never named."
)

blp = Blueprint("referrals", __name__, url_prefix="/v1", description="Referrals to the hub")


def _wiring():
    return current_app.extensions["hubs_wiring"]


@blp.route("/self-referrals")
class SelfReferrals(MethodView):
    @blp.arguments(SelfReferralSchema)
    @blp.response(201, ReferralAcceptedSchema)
    @blp.doc(description=f"Refer yourself to the hub. **Confidentiality:** {CONFIDENTIALITY}")
    def post(self, body: dict):
        """Refer yourself to the hub, in confidence."""
        wiring = _wiring()
        now_received = handlers.receive_self_referral(
            commands.ReceiveSelfReferral(
                personal=commands.PersonalDetails(
                    name=body["name"],
                    email=body["email"],
                    phone=body["phone"],
                    employer=body["employer"],
                    job_role=body["job_role"],
                ),
                risk_screen=RiskScreen(**body["risk_screen"]),
                consent=commands.Consent(given_by="self", given_at="at-referral", method="online-form"),
                staff_group=body["staff_group"],
                employment_type=body["employment_type"],
                at_risk_factors=body["at_risk_factors"],
                demographics=Demographics(**body["demographics"]),
                heard_of_hub_via=body["heard_of_hub_via"],
            ),
            wiring.uow_factory(),
            wiring.extras["vault"],
        )
        urgent = now_received.urgency is codes.Urgency.URGENT
        return {
            "referral_id": now_received.referral_id,
            "reference": str(now_received.referral_id).split("-")[0].upper(),
            "urgency": now_received.urgency,
            "received_at": now_received.received_at,
            "next_steps": (
                "A clinician will contact you as a priority. If you are in immediate danger call 999, "
                "or call NHS 111 (option 2 for mental health), or Samaritans on 116 123."
                if urgent
                else "A clinician from the hub will contact you to talk about how you are and what might help."
            ),
        }


@blp.route("/queue")
class Queue(MethodView):
    @blp.response(200, QueueEntrySchema(many=True))
    @requires(Role.CLINICIAN, Role.HUB_LEAD)
    def get(self):
        """Referrals awaiting first contact, urgent first, then oldest first."""
        with _wiring().uow_factory() as uow:
            waiting = uow.referrals.awaiting_first_contact()
        return sorted(waiting, key=lambda r: (r.urgency is not codes.Urgency.URGENT, r.received_at))
