"""HTTP API of the care-coordination service."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import UTC, datetime

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from hubs.care_coordination.domain import commands
from hubs.care_coordination.domain.directory import DirectoryQuery
from hubs.care_coordination.entrypoints.schemas import (
    AcceptanceSchema,
    CaseSchema,
    ClosureSchema,
    DeclineSchema,
    DirectoryQuerySchema,
    DirectoryServiceSchema,
    FeedbackByLinkSchema,
    FeedbackLinkSchema,
    FeedbackSchema,
    LiaisonSchema,
    MonitoringEndSchema,
    MonitoringPlanSchema,
    OnwardReferralSchema,
    SignpostingSchema,
    TreatmentEndSchema,
    TreatmentStartSchema,
    WaitQuerySchema,
    WaitSchema,
)
from hubs.care_coordination.service_layer import handlers
from hubs.contracts import codes
from hubs.runtime.auth import Role, requires
from hubs.runtime.ratelimit import rate_limited

blp = Blueprint("care", __name__, url_prefix="/v1", description="Care co-ordination of the hub's cases")

CLINICAL = (Role.CLINICIAN, Role.HUB_LEAD)


def _wiring():
    return current_app.extensions["hubs_wiring"]


def _uow():
    return _wiring().uow_factory()


@blp.route("/onward-referrals")
class OnwardReferrals(MethodView):
    @blp.arguments(OnwardReferralSchema())
    @blp.response(201, OnwardReferralSchema)
    @requires(Role.CLINICIAN)
    def post(self, body: dict):
        """Refer a case on to a service (by type, optionally a directory service)."""
        return handlers.make_onward_referral(commands.MakeOnwardReferral(**body), _uow())


def _step(name: str, schema, command, handler, doc: str):
    """A POST route that moves an onward referral one step on."""

    class Step(MethodView):
        @blp.arguments(schema)
        @blp.response(200, OnwardReferralSchema)
        @requires(Role.CLINICIAN)
        def post(self, body: dict, onward_referral_id: uuid.UUID):
            return handler(command(onward_referral_id, **body), _uow())

    Step.post.__doc__ = doc
    Step.__name__ = f"OnwardReferral{name}"
    return Step


for _path, _name, _schema, _command, _handler, _doc in (
    ("acceptance", "Accept", AcceptanceSchema, commands.AcceptOnwardReferral, handlers.accept_onward_referral,
     "The service accepted the onward referral."),
    ("decline", "Decline", DeclineSchema, commands.DeclineOnwardReferral, handlers.decline_onward_referral,
     "The service declined the onward referral, with a reason."),
    ("treatment-start", "StartTreatment", TreatmentStartSchema, commands.StartTreatment, handlers.start_treatment,
     "Treatment started: the wait ends."),
    ("treatment-end", "EndTreatment", TreatmentEndSchema, commands.EndTreatment, handlers.end_treatment,
     "Treatment ended; a follow-up becomes due."),
):  # fmt: skip
    blp.route(f"/onward-referrals/<uuid:onward_referral_id>/{_path}")(_step(_name, _schema, _command, _handler, _doc))


@blp.route("/waits")
class Waits(MethodView):
    @blp.arguments(WaitQuerySchema(), location="query")
    @blp.response(200, WaitSchema(many=True))
    @requires(*CLINICAL)
    def get(self, query: dict):
        """People waiting for treatment, longest first; `over_target=true` is the hub lead's escalation list."""
        today = _wiring().extras["today"]()
        rows = handlers.waits(_uow(), today, query["over_target"])
        return [asdict(r) | {"waited_days": days, "over_target": r.over_target(today)} for r, days in rows]


@blp.route("/cases/<uuid:case_id>")
class CaseRecord(MethodView):
    @blp.response(200, CaseSchema)
    @requires(*CLINICAL)
    def get(self, case_id: uuid.UUID):
        """The case: onward referrals, monitoring plans, signposting, liaison and follow-ups asked for."""
        record = handlers.case_record(case_id, _uow())
        return asdict(record["case"]) | {k: v for k, v in record.items() if k != "case"}


@blp.route("/cases/<uuid:case_id>/occupational-health-liaisons")
class Liaisons(MethodView):
    @blp.arguments(LiaisonSchema())
    @blp.response(201, LiaisonSchema)
    @requires(Role.CLINICIAN)
    def post(self, body: dict, case_id: uuid.UUID):
        """Record a liaison with Occupational Health (only with the person's recorded consent) and the
        advice given, which stays in the hub."""
        liaison = handlers.liaise_with_occupational_health(
            commands.LiaiseWithOccupationalHealth(case_id, **body), _uow()
        )
        return liaison.data | {"advice": body["advice"]}


@blp.route("/cases/<uuid:case_id>/signpostings")
class Signpostings(MethodView):
    @blp.arguments(SignpostingSchema())
    @blp.response(201, SignpostingSchema)
    @requires(Role.CLINICIAN)
    def post(self, body: dict, case_id: uuid.UUID):
        """Signpost the person to service types (the directory's best match for them is named)."""
        signposting_id = handlers.signpost_case(commands.Signpost(case_id, **body), _uow())
        return body | {"signposting_id": signposting_id}


@blp.route("/cases/<uuid:case_id>/monitoring-plans")
class MonitoringPlans(MethodView):
    @blp.arguments(MonitoringPlanSchema())
    @blp.response(201, MonitoringPlanSchema)
    @requires(Role.CLINICIAN)
    def post(self, body: dict, case_id: uuid.UUID):
        """Start monitoring the case at a review interval; follow-ups fall due at each review."""
        monitoring = commands.StartMonitoring(case_id, **(body | {"measures": tuple(body["measures"])}))
        return handlers.start_monitoring(monitoring, _uow())


@blp.route("/monitoring-plans/<uuid:monitoring_plan_id>/end")
class MonitoringEnd(MethodView):
    @blp.arguments(MonitoringEndSchema())
    @blp.response(200, MonitoringPlanSchema)
    @requires(Role.CLINICIAN)
    def post(self, body: dict, monitoring_plan_id: uuid.UUID):
        """End a monitoring plan."""
        return handlers.end_monitoring(commands.EndMonitoring(monitoring_plan_id, **body), _uow())


@blp.route("/cases/<uuid:case_id>/closure")
class Closure(MethodView):
    @blp.arguments(ClosureSchema())
    @blp.response(200, CaseSchema)
    @requires(Role.CLINICIAN)
    def post(self, body: dict, case_id: uuid.UUID):
        """Close the episode of care with a reason. The answer gives, once, the person's one-use
        feedback link (`feedback_link`; none when they withdrew or moved to another hub): only its
        hash is kept, with the hub and the closure's month, never with the case."""
        case, given = handlers.close_episode_offering_feedback(
            commands.CloseEpisode(case_id, **body), _uow(), _wiring().settings.hub_id, now=datetime.now(UTC)
        )
        return asdict(case) | {"feedback_link": asdict(given) if given else None}


@blp.route("/cases/<uuid:case_id>/feedback-link")
class FeedbackLink(MethodView):
    @blp.response(200, FeedbackLinkSchema)
    @requires(Role.CLINICIAN)
    def post(self, case_id: uuid.UUID):
        """The person's one-use feedback link, for an episode that closed without one (its referral's
        closure reached care co-ordination first): once per case, after closure; 409 otherwise."""
        given = handlers.give_feedback_link(commands.GiveFeedbackLink(case_id), _uow(), _wiring().settings.hub_id)
        return asdict(given)


@blp.route("/directory")
class Directory(MethodView):
    @blp.arguments(DirectoryQuerySchema(), location="query")
    @blp.response(200, DirectoryServiceSchema(many=True))
    @requires(*CLINICAL)
    def get(self, query: dict):
        """Active services of the hub's directory, by type, competency (all given) and language."""
        wanted = DirectoryQuery(query["service_type"], frozenset(query["competency"]), query["language"])
        return handlers.search_directory(wanted, _uow())

    @blp.arguments(DirectoryServiceSchema())
    @blp.response(201, DirectoryServiceSchema)
    @requires(Role.HUB_LEAD)
    def post(self, body: dict):
        """Add a service to the hub's directory."""
        return handlers.add_directory_service(commands.AddDirectoryService(**_directory_fields(body)), _uow())


@blp.route("/directory/<uuid:directory_service_id>")
class DirectoryEntry(MethodView):
    @blp.arguments(DirectoryServiceSchema())
    @blp.response(200, DirectoryServiceSchema)
    @requires(Role.HUB_LEAD)
    def put(self, body: dict, directory_service_id: uuid.UUID):
        """Replace a directory entry (set active false to stop referring to it)."""
        entry = commands.UpdateDirectoryService(directory_service_id, **_directory_fields(body))
        return handlers.update_directory_service(entry, _uow())


def _directory_fields(body: dict) -> dict:
    return body | {
        "competencies": frozenset(body["competencies"]),
        "languages": tuple(dict.fromkeys(body["languages"])),
    }


@blp.route("/service-user-feedback")
class ServiceUserFeedback(MethodView):
    @blp.arguments(FeedbackSchema())
    @blp.response(201, FeedbackSchema)
    @requires(*CLINICAL)
    def post(self, body: dict):
        """Record anonymous feedback; scores are reported, the comment stays in the hub."""
        return body | {"feedback_id": handlers.give_feedback(commands.GiveFeedback(**body), _uow())}

    @blp.response(200, FeedbackSchema(many=True))
    @requires(Role.HUB_LEAD)
    def get(self):
        """The hub's service-user feedback, with comments."""
        with _uow() as uow:
            rows = uow.feedback.all()
        return [{k: v for k, v in row.items() if k != "scores"} | row["scores"] for row in rows]


@blp.route("/service-user-feedback/by-link")
class ServiceUserFeedbackByLink(MethodView):
    @blp.arguments(FeedbackByLinkSchema())
    @blp.response(201, FeedbackByLinkSchema)
    @blp.doc(
        description="The person gives feedback through the one-use link they were given at closure. No sign-in. "
        'A link used already, expired or unknown is 404, all alike: "This link cannot be used."'
    )
    # Per client address, like self-referral: open to anyone, but no one may try tokens by the thousand.
    @rate_limited("feedback-by-link", default="60/minute;burst=30", setting="HUBS_SELF_REFERRAL_RATE_LIMIT")
    def post(self, body: dict):
        """Give feedback, anonymously, through a feedback link."""
        token = body.pop("token")
        today = _wiring().extras["today"]()
        feedback_id = handlers.give_feedback_by_link(commands.GiveFeedbackByLink(token, **body), _uow(), today)
        return body | {"feedback_id": feedback_id, "given_on": today, "stage": codes.FeedbackStage.AT_CLOSURE}
