"""Every field a write request takes reaches its command: a field the API accepted but the command
lacked would answer 500 instead of carrying out the request."""

from __future__ import annotations

import dataclasses

import pytest

from hubs.outreach.domain import commands
from hubs.outreach.entrypoints import schemas, workforce_schemas

# (request schema, command, fields of the request the API reads itself, fields the URL gives)
REQUESTS = [
    (schemas.CampaignSchema, commands.LaunchCampaign, set(), set()),
    # Without attendance the event is planned, for the day given as `held_on`.
    (schemas.OutreachEventSchema, commands.PlanOutreachEvent, {"attendance", "held_on"}, {"planned_on"}),
    (schemas.OutreachEventSchema, commands.RecordOutreachEvent, set(), set()),
    (schemas.HoldEventSchema, commands.HoldOutreachEvent, set(), {"outreach_event_id"}),
    (schemas.OutreachFeedbackSchema, commands.GiveOutreachFeedback, set(), {"outreach_event_id"}),
    (schemas.TrainingSessionSchema, commands.DeliverTraining, set(), set()),
    (schemas.TrainingFeedbackSchema, commands.GiveTrainingFeedback, set(), {"training_session_id"}),
    (schemas.EngagementSchema, commands.RecordEngagement, set(), set()),
    (workforce_schemas.SupervisionSchema, commands.RecordSupervision, set(), set()),
    (workforce_schemas.CheckInSchema, commands.RecordCheckIn, set(), set()),
    (workforce_schemas.StaffSurveySchema, commands.OpenStaffSurvey, set(), set()),
    # The scores become the command's answers; who answers is never part of it.
    (workforce_schemas.SurveyAnswersSchema, commands.AnswerStaffSurvey, {"wellbeing", "workload_manageable",
     "feel_supported", "supervision_helpful"}, {"survey_id", "answers"}),
]  # fmt: skip


@pytest.mark.parametrize(("schema", "command", "read_by_the_api", "from_the_url"), REQUESTS)
def test_every_field_a_write_request_takes_reaches_its_command(schema, command, read_by_the_api, from_the_url):
    taken = {name for name, f in schema().fields.items() if not f.dump_only}
    assert (taken - read_by_the_api) | from_the_url == {f.name for f in dataclasses.fields(command)}
