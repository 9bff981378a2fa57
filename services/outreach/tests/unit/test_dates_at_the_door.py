"""Days and counts are checked as a request comes in, before any work is done: an event held
is not in the future, later days of a pair are not before the earlier, counts are JSON integers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from marshmallow import ValidationError

from hubs.outreach.entrypoints.schemas import CampaignSchema, EngagementSchema, OutreachEventSchema
from hubs.outreach.entrypoints.workforce_schemas import StaffSurveySchema

TODAY = datetime.now(UTC).date()


def refused_fields(schema, body: dict) -> set[str]:
    with pytest.raises(ValidationError) as refused:
        schema.load(body)
    return set(refused.value.messages)


def test_an_event_given_its_attendance_was_held_so_it_is_not_in_the_future():
    ahead = (TODAY + timedelta(days=30)).isoformat()
    assert refused_fields(OutreachEventSchema(), {"kind": "outreach", "held_on": ahead, "attendance": 40}) == {
        "held_on"
    }
    planned = OutreachEventSchema().load({"kind": "outreach", "held_on": ahead})
    assert planned["attendance"] is None


@pytest.mark.parametrize(
    ("schema", "body", "later"),
    [
        (CampaignSchema(), {"name": "Winter", "starts_on": "2026-11-02", "ends_on": "2026-11-01"}, "ends_on"),
        (StaffSurveySchema(), {"title": "Autumn", "opens_on": "2026-11-02", "closes_on": "2026-11-01"}, "closes_on"),
        (
            EngagementSchema(),
            {
                "stakeholder": "North Trust OH",
                "stakeholder_type": "occupational-health",
                "held_on": "2026-11-02",
                "pathways": ["self-referral"],
                "agreed": "Leaflets",
                "follow_up_on": "2026-11-01",
            },
            "follow_up_on",
        ),
    ],
    ids=["campaign", "staff survey", "stakeholder engagement"],
)
def test_the_later_day_of_a_pair_cannot_come_first(schema, body, later):
    assert refused_fields(schema, body) == {later}
