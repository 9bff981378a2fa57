"""HTTP API for the hub's own workforce: supervision, wellbeing check-ins and anonymous staff
feedback surveys.

Clinicians may record the supervision sessions and check-ins they take part in, read a survey's
title, dates, state and statements, and answer it; listing them, a survey's answers and scores,
and opening and closing surveys, is for hub leads. The hub's clinical team (who assessments name,
who can hold cases) is read by clinicians and kept by hub leads. A survey answer is
stored without the caller's identity: the response says only that it was received."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from hubs.outreach.domain import commands
from hubs.outreach.domain.workforce import Answers
from hubs.outreach.entrypoints.api import setting, uow
from hubs.outreach.entrypoints.workforce_schemas import (
    CheckInSchema,
    StaffSurveyQuestionsSchema,
    StaffSurveySchema,
    SupervisionSchema,
    SurveyAnswersSchema,
    SurveyReceiptSchema,
    TeamMemberSchema,
)
from hubs.outreach.service_layer import team_handlers, views, workforce_handlers
from hubs.runtime.auth import Role, current_principal, requires

workforce_blp = Blueprint("hub-workforce", __name__, url_prefix="/v1", description="The hub's own workforce")

MIN_SURVEY_RESPONSES = ("HUBS_OUTREACH_MIN_SURVEY_RESPONSES", 3)
# Where the app keeps the participation secrets it read at start (see adapters.participation_secret).
PARTICIPATION_SECRETS = "survey_participation_secrets"


@workforce_blp.route("/supervision-sessions")
class SupervisionSessions(MethodView):
    @workforce_blp.arguments(SupervisionSchema())
    @workforce_blp.response(201, SupervisionSchema)
    @requires(Role.HUB_LEAD, Role.CLINICIAN)
    def post(self, body: dict):
        """Record a clinical group, clinical one-to-one or line-management supervision session."""
        return workforce_handlers.record_supervision(commands.RecordSupervision(**body), uow())

    @workforce_blp.response(200, SupervisionSchema(many=True))
    @requires(Role.HUB_LEAD)
    def get(self):
        """Supervision sessions, oldest first."""
        with uow() as work:
            return work.supervision.all()


@workforce_blp.route("/check-ins")
class CheckIns(MethodView):
    @workforce_blp.arguments(CheckInSchema())
    @workforce_blp.response(201, CheckInSchema)
    @requires(Role.HUB_LEAD, Role.CLINICIAN)
    def post(self, body: dict):
        """Record a team or one-to-one wellbeing check-in."""
        return workforce_handlers.record_check_in(commands.RecordCheckIn(**body), uow())

    @workforce_blp.response(200, CheckInSchema(many=True))
    @requires(Role.HUB_LEAD)
    def get(self):
        """Wellbeing check-ins, oldest first."""
        with uow() as work:
            return work.check_ins.all()


@workforce_blp.route("/staff-surveys")
class StaffSurveys(MethodView):
    @workforce_blp.arguments(StaffSurveySchema())
    @workforce_blp.response(201, StaffSurveySchema)
    @requires(Role.HUB_LEAD)
    def post(self, body: dict):
        """Open an anonymous feedback survey of the hub's staff."""
        survey = workforce_handlers.open_staff_survey(commands.OpenStaffSurvey(**body), uow())
        return views.staff_survey(uow(), survey.survey_id, setting(*MIN_SURVEY_RESPONSES))

    @workforce_blp.response(200, StaffSurveySchema(many=True))
    @requires(Role.HUB_LEAD)
    def get(self):
        """Surveys with their scores (withheld until enough staff have answered)."""
        return views.staff_surveys(uow(), setting(*MIN_SURVEY_RESPONSES))


@workforce_blp.route("/staff-surveys/<uuid:survey_id>")
class StaffSurveyDetail(MethodView):
    @workforce_blp.response(200, StaffSurveySchema)
    @requires(Role.HUB_LEAD)
    def get(self, survey_id: uuid.UUID):
        """One survey's scores and comments, in no particular order."""
        return views.staff_survey(uow(), survey_id, setting(*MIN_SURVEY_RESPONSES))


@workforce_blp.route("/staff-surveys/<uuid:survey_id>/questions")
class StaffSurveyQuestions(MethodView):
    @workforce_blp.response(200, StaffSurveyQuestionsSchema)
    @requires(Role.CLINICIAN, Role.HUB_LEAD)
    def get(self, survey_id: uuid.UUID):
        """What a member of staff sees before answering: title, dates, whether it is open, and the statements."""
        return views.staff_survey_questions(uow(), survey_id, datetime.now(UTC).date())


@workforce_blp.route("/staff-surveys/<uuid:survey_id>/responses")
class StaffSurveyResponses(MethodView):
    @workforce_blp.arguments(SurveyAnswersSchema())
    @workforce_blp.response(201, SurveyReceiptSchema)
    @requires(Role.CLINICIAN, Role.HUB_LEAD)
    def post(self, body: dict, survey_id: uuid.UUID):
        """Answer a survey, once, anonymously: nothing stored or sent says who answered."""
        comment = body.pop("comment")
        workforce_handlers.answer_staff_survey(
            commands.AnswerStaffSurvey(survey_id, Answers(**body), comment),
            uow(),
            current_principal().subject,
            secrets=current_app.extensions["hubs_wiring"].extras[PARTICIPATION_SECRETS],
        )
        return {"survey_id": survey_id, "received": True, "message": "Thank you. Your answers are anonymous."}


@workforce_blp.route("/staff-surveys/<uuid:survey_id>/close")
class CloseStaffSurvey(MethodView):
    @workforce_blp.response(200, StaffSurveySchema)
    @requires(Role.HUB_LEAD)
    def post(self, survey_id: uuid.UUID):
        """Close a survey: its answers are released for the hub's figures, shuffled."""
        workforce_handlers.close_staff_survey(commands.CloseStaffSurvey(survey_id), uow())
        return views.staff_survey(uow(), survey_id, setting(*MIN_SURVEY_RESPONSES))


@workforce_blp.route("/team-members")
class TeamMembers(MethodView):
    @workforce_blp.response(200, TeamMemberSchema(many=True))
    @requires(Role.CLINICIAN, Role.HUB_LEAD)
    def get(self):
        """The hub's clinical team by name, those who have left (not active) included."""
        with uow() as work:
            return work.team.all()

    @workforce_blp.arguments(TeamMemberSchema())
    @workforce_blp.response(201, TeamMemberSchema)
    @requires(Role.HUB_LEAD)
    def post(self, body: dict):
        """Add a member to the team (409 if their staff id or sign-in subject is already in it)."""
        return team_handlers.add_team_member(commands.AddTeamMember(**body), uow())


@workforce_blp.route("/team-members/<uuid:member_id>")
class TeamMemberDetail(MethodView):
    @workforce_blp.arguments(TeamMemberSchema())
    @workforce_blp.response(200, TeamMemberSchema)
    @requires(Role.HUB_LEAD)
    def put(self, body: dict, member_id: uuid.UUID):
        """Change a member's details, all of them (`active: false` once they have left)."""
        return team_handlers.change_team_member(commands.ChangeTeamMember(member_id, **body), uow())
