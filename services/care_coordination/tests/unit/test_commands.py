"""Every field a write request takes reaches its command: a field the API accepted but the command
lacked would answer 500 instead of carrying out the request."""

from __future__ import annotations

import dataclasses

import pytest

from hubs.care_coordination.domain import commands
from hubs.care_coordination.entrypoints import schemas

# (request schema, command, fields the URL gives)
REQUESTS = [
    (schemas.OnwardReferralSchema, commands.MakeOnwardReferral, set()),
    (schemas.AcceptanceSchema, commands.AcceptOnwardReferral, {"onward_referral_id"}),
    (schemas.DeclineSchema, commands.DeclineOnwardReferral, {"onward_referral_id"}),
    (schemas.TreatmentStartSchema, commands.StartTreatment, {"onward_referral_id"}),
    (schemas.TreatmentEndSchema, commands.EndTreatment, {"onward_referral_id"}),
    (schemas.SignpostingSchema, commands.Signpost, {"case_id"}),
    (schemas.LiaisonSchema, commands.LiaiseWithOccupationalHealth, {"case_id"}),
    (schemas.MonitoringPlanSchema, commands.StartMonitoring, {"case_id"}),
    (schemas.MonitoringEndSchema, commands.EndMonitoring, {"monitoring_plan_id"}),
    (schemas.ClosureSchema, commands.CloseEpisode, {"case_id"}),
    # The link is asked for with no body: the case is all there is to it.
    (schemas.FeedbackLinkSchema, commands.GiveFeedbackLink, {"case_id"}),
    (schemas.DirectoryServiceSchema, commands.AddDirectoryService, set()),
    (schemas.DirectoryServiceSchema, commands.UpdateDirectoryService, {"directory_service_id"}),
    (schemas.FeedbackSchema, commands.GiveFeedback, set()),
    (schemas.FeedbackByLinkSchema, commands.GiveFeedbackByLink, set()),
]


@pytest.mark.parametrize(("schema", "command", "from_the_url"), REQUESTS)
def test_every_field_a_write_request_takes_reaches_its_command(schema, command, from_the_url):
    taken = {name for name, f in schema().fields.items() if not f.dump_only}
    assert taken | from_the_url == {f.name for f in dataclasses.fields(command)}
