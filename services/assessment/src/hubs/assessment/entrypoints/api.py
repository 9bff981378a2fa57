"""HTTP API of the assessment service."""

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from hubs.assessment.entrypoints.schemas import AssessmentQuerySchema, AssessmentSchema
from hubs.contracts import codes
from hubs.runtime.auth import Role, requires

blp = Blueprint("assessments", __name__, url_prefix="/v1", description="Rapid assessments")


@blp.route("/assessments")
class Assessments(MethodView):
    @blp.arguments(AssessmentQuerySchema, location="query")
    @blp.response(200, AssessmentSchema(many=True))
    @requires(Role.CLINICIAN, Role.HUB_LEAD)
    def get(self, query: dict):
        """Assessments by status; urgent first, then in order of referral."""
        with current_app.extensions["hubs_wiring"].uow_factory() as uow:
            found = uow.assessments.with_status(query["status"])
        return sorted(found, key=lambda a: (a.urgency is not codes.Urgency.URGENT, a.referred_at))
