"""HTTP API of the care-coordination service."""

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from hubs.care_coordination.entrypoints.schemas import OnwardReferralSchema
from hubs.care_coordination.service_layer import handlers
from hubs.runtime.auth import Role, requires

blp = Blueprint("onward-referrals", __name__, url_prefix="/v1", description="Onward referrals")


@blp.route("/onward-referrals")
class OnwardReferrals(MethodView):
    @blp.arguments(OnwardReferralSchema)
    @blp.response(201, OnwardReferralSchema)
    @requires(Role.CLINICIAN)
    def post(self, body: dict):
        """Refer a case on to a service."""
        uow = current_app.extensions["hubs_wiring"].uow_factory()
        return handlers.make_onward_referral(body["case_id"], body["service_type"], body["made_on"], uow)
