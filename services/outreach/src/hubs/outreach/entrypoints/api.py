"""HTTP API of the outreach service."""

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from hubs.outreach.entrypoints.schemas import OutreachEventSchema
from hubs.outreach.service_layer import handlers
from hubs.runtime.auth import Role, requires

blp = Blueprint("outreach-events", __name__, url_prefix="/v1", description="Outreach and inreach events")


@blp.route("/outreach-events")
class OutreachEvents(MethodView):
    @blp.arguments(OutreachEventSchema)
    @blp.response(201, OutreachEventSchema)
    @requires(Role.HUB_LEAD)
    def post(self, body: dict):
        """Record an outreach or inreach event the hub held."""
        uow = current_app.extensions["hubs_wiring"].uow_factory()
        return handlers.record_outreach_event(
            body["kind"], body["held_on"], body["attendance"], body["staff_groups"], body["at_risk_groups"], uow
        )

    @blp.response(200, OutreachEventSchema(many=True))
    @requires(Role.HUB_LEAD)
    def get(self):
        """Outreach and inreach events held, oldest first."""
        with current_app.extensions["hubs_wiring"].uow_factory() as uow:
            return uow.outreach_events.all()
