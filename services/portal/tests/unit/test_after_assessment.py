"""The case after its assessment: onward referrals through their states, monitoring, follow-ups with
the NHS Talking Therapies outcome and a chart of the scores, Occupational Health liaison with the
advice given, signposting, and one "close case" that closes the referral and the episode together."""

from __future__ import annotations

import re

import pytest
import requests

from hubs.portal.adapters.services import IDEMPOTENCY_HEADER, Answer, HubServices

REFERRAL_ID = "5e0955aa-1111-4222-8333-444455556666"
CASE_ID = "c0ffee00-1111-4222-8333-444455556666"
ASSESSMENT_ID = "a55e5500-1111-4222-8333-444455556666"
AWAITING_ID = "0a000000-1111-4222-8333-444455556666"
TREATED_ID = "0b000000-1111-4222-8333-444455556666"
DECLINED_ID = "0c000000-1111-4222-8333-444455556666"
DUE_ID = "f0000000-1111-4222-8333-444455556666"
DETAIL = {
    "referral_id": REFERRAL_ID, "case_id": CASE_ID, "reference": "5E0955AA", "source": "self", "urgency": "routine",
    "received_at": "2026-11-02T09:00:00Z", "first_contact_due_by": "2026-11-04T09:00:00Z", "hours_left": 0,
    "status": "contacted", "first_contacted_at": "2026-11-02T10:00:00Z", "contact_attempts": [],
    "personal": {"name": "Sam Example"}, "at_risk_factors": [],
}  # fmt: skip
ASSESSED = {
    "case_id": CASE_ID, "status": "completed", "first_contact_at": "2026-11-02T10:00:00Z",
    "completed_at": "2026-11-03T11:00:00Z", "urgency": "routine",
    "measures": {"phq9": {"total": 16, "band": "moderately-severe"}, "gad7": {"total": 12, "band": "moderate"}},
    "risk": {"level": "low", "risk_to_self": False, "risk_to_others": False, "route": None},
    "outcome": {"decisions": ["refer-on"]},
}  # fmt: skip


def onward(oid: str, status: str, **extra) -> dict:
    return {"onward_referral_id": oid, "service_type": "talking-therapies", "made_on": "2026-11-03", "status": status,
            "target_wait_days": 42, "urgency": "routine", **extra}  # fmt: skip


CARE = {
    "case_id": CASE_ID, "status": "open", "assessment_id": ASSESSMENT_ID, "closed_at": None,
    "occupational_health_consent_recorded_at": "2026-11-03T11:00:00Z",
    "onward_referrals": [
        onward(AWAITING_ID, "awaiting-response"),
        onward(TREATED_ID, "in-treatment", accepted_on="2026-11-05", started_on="2026-11-10"),
        onward(DECLINED_ID, "declined", declined_on="2026-11-06", decline_reason="no-capacity"),
    ],
    "monitoring_plans": [{"monitoring_plan_id": "9a000000-1111-4222-8333-444455556666", "started_on": "2026-11-03",
                          "review_interval_days": 28, "measures": ["phq-9", "gad-7"], "next_due_on": "2026-12-01",
                          "planned_end_on": None, "ended_on": None}],
    "activities": [
        {"activity_id": "1", "kind": "occupational-health-liaison", "on_date": "2026-11-07",
         "detail": {"advice": "A phased return over four weeks"}},
        {"activity_id": "2", "kind": "signposting", "on_date": "2026-11-04",
         "detail": {"service_types": ["self-help"]}},
    ],
}  # fmt: skip
FOLLOW_UPS = [
    {"follow_up_id": "e0000000-1111-4222-8333-444455556666", "case_id": CASE_ID, "status": "measured",
     "due_on": "2026-12-01", "measures_due": ["phq-9", "gad-7"], "measured_at": "2026-12-01T10:00:00Z",
     "measures": {"phq9": {"total": 6}, "gad7": {"total": 5}}},
    {"follow_up_id": DUE_ID, "case_id": CASE_ID, "status": "due", "due_on": "2026-12-29",
     "measures_due": ["phq-9", "gad-7"], "measured_at": None, "measures": None},
]  # fmt: skip
OUTCOMES = {
    "case_id": CASE_ID, "first_measured_at": "2026-11-03T11:00:00Z", "latest_measured_at": "2026-12-01T10:00:00Z",
    "outcomes": {"case_at_first": True, "case_at_latest": False, "reliable_improvement": True,
                 "reliable_deterioration": False, "recovery": True, "reliable_recovery": True},
    "follow_ups": FOLLOW_UPS,
}  # fmt: skip
ANSWERED = {f"phq9-{i}": "1" for i in range(1, 10)} | {f"gad7-{i}": "0" for i in range(1, 8)}
ANSWERED["phq9-9"] = "0"
FORM = {"case_id": CASE_ID, "purpose": "care-coordination"}


@pytest.fixture
def assessed_case(services):
    """The services' answers about a case assessed and referred on, with a follow-up measured."""
    services.answers[("referral", "GET", f"/v1/referrals/{REFERRAL_ID}")] = Answer(200, DETAIL)
    services.answers[("assessment", "GET", f"/v1/cases/{CASE_ID}/assessment")] = Answer(200, ASSESSED)
    services.answers[("assessment", "GET", f"/v1/cases/{CASE_ID}/outcomes")] = Answer(200, OUTCOMES)
    services.answers[("care", "GET", f"/v1/cases/{CASE_ID}")] = Answer(200, CARE)
    return services


def case_page(client) -> str:
    return client.get(f"/cases/{REFERRAL_ID}?purpose=care-coordination").get_data(as_text=True)


def card(page: str, onward_referral_id: str) -> str:
    start = page.index(f'data-onward-referral="{onward_referral_id}"')
    end = page.find("data-onward-referral=", start + 30)
    # The last card ends where the form making a new onward referral starts.
    new_onward_referral = page.index(f'<form method="post" action="/cases/{REFERRAL_ID}/onward-referrals"')
    return page[start : end if end > 0 else new_onward_referral]


def test_each_onward_referral_shows_its_state_and_offers_only_the_steps_it_can_take_next(signed_in, assessed_case):
    page = case_page(signed_in("clinician"))
    awaiting, treated, declined = card(page, AWAITING_ID), card(page, TREATED_ID), card(page, DECLINED_ID)
    assert "Awaiting a response" in awaiting
    assert all(s in awaiting for s in ("Record acceptance", "Record decline", "Record start of treatment"))
    assert "Record end of treatment" not in awaiting
    assert "Treatment started" in treated and "10 Nov 2026" in treated
    assert "Record end of treatment" in treated and "Record acceptance" not in treated
    assert "Declined" in declined and "No capacity" in declined and "<form" not in declined


@pytest.mark.parametrize(
    ("step", "form", "body"),
    [
        ("acceptance", {"on": "2026-11-05", "expected_start_on": "2026-11-20"},
         {"accepted_on": "2026-11-05", "expected_start_on": "2026-11-20"}),
        ("decline", {"on": "2026-11-06", "reason": "no-capacity"},
         {"declined_on": "2026-11-06", "reason": "no-capacity"}),
        ("treatment-start", {"on": "2026-11-10"}, {"started_on": "2026-11-10"}),
        ("treatment-end", {"on": "2026-12-20", "reason": "completed"},
         {"ended_on": "2026-12-20", "reason": "completed"}),
    ],
)  # fmt: skip
def test_each_step_of_an_onward_referral_is_recorded_with_its_day(signed_in, services, step, form, body):
    path = f"/v1/onward-referrals/{AWAITING_ID}/{step}"
    services.answers[("care", "POST", path)] = Answer(200, {})
    client = signed_in("clinician")
    response = client.post(f"/cases/{REFERRAL_ID}/onward-referrals/{AWAITING_ID}/{step}", data=FORM | form)
    assert response.status_code == 303 and response.headers["Location"].endswith("#care")
    [sent] = services.calls_to("care", "POST", path)
    assert sent["json"] == body


def test_a_refused_step_says_the_services_words_and_a_missing_reason_is_not_sent(signed_in, services, assessed_case):
    path = f"/v1/onward-referrals/{AWAITING_ID}/acceptance"
    services.answers[("care", "POST", path)] = Answer(
        422, errors={"json": {"accepted_on": ["cannot be before the day it was made"]}}
    )
    client = signed_in("clinician")
    client.post(f"/cases/{REFERRAL_ID}/onward-referrals/{AWAITING_ID}/acceptance", data=FORM | {"on": "2026-11-01"})
    assert "Nothing was recorded: cannot be before the day it was made" in case_page(client)
    client.post(f"/cases/{REFERRAL_ID}/onward-referrals/{AWAITING_ID}/decline", data=FORM | {"on": "2026-11-06"})
    assert "Select the reason" in case_page(client)
    assert services.calls_to("care", "POST", f"/v1/onward-referrals/{AWAITING_ID}/decline") == []


def test_the_talking_therapies_outcome_is_shown_as_the_service_works_it_out(signed_in, assessed_case):
    page = case_page(signed_in("clinician"))
    assert "NHS Talking Therapies outcome: Reliable recovery" in page
    definitions = page[page.index('id="outcome-definitions"') :]
    assert re.search(r"Reliable improvement</dt><dd[^>]*>Yes", definitions)
    assert re.search(r"Reliable deterioration</dt><dd[^>]*>No", definitions)


def test_the_scores_over_time_are_drawn_as_svg_with_a_title_a_description_and_the_same_figures_in_a_table(
    signed_in, assessed_case
):
    page = case_page(signed_in("clinician"))
    chart = page.index('id="scores-chart"')
    svg = page[page.index("<svg", chart) : page.index("</svg>", chart)]
    assert 'role="img"' in svg and 'aria-labelledby="scores-chart-title scores-chart-desc"' in svg
    assert '<title id="scores-chart-title">PHQ-9 and GAD-7 scores over time</title>' in svg
    assert "Assessment (3 Nov 2026): PHQ-9 16, GAD-7 12; Follow-up 1 (1 Dec 2026): PHQ-9 6, GAD-7 5" in svg
    assert svg.count("<circle") == 2 and svg.count("<rect") == 2 and "<script" not in page[chart:]
    assert "style=" not in svg  # the Content-Security-Policy allows no inline style
    table = page[page.index('id="scores-over-time"') : page.index("</table>", page.index('id="scores-over-time"'))]
    cells = re.findall(r"<td[^>]*>([^<]+)</td>", table)
    assert cells == ["16", "12", "6", "5"]


def test_follow_up_measures_are_sent_for_the_due_follow_up_only_when_both_measures_are_answered(
    signed_in, services, assessed_case
):
    path = f"/v1/cases/{CASE_ID}/follow-ups"
    services.answers[("assessment", "POST", path)] = Answer(201, {})
    client = signed_in("clinician")
    half = {k: v for k, v in ANSWERED.items() if not k.startswith("gad7")}
    refused = client.post(f"/cases/{REFERRAL_ID}/follow-ups", data=FORM | half | {"follow_up_id": DUE_ID})
    assert refused.status_code == 400
    assert "Answer all 7 questions of the GAD-7: it is taken at every follow-up" in refused.get_data(as_text=True)
    assert services.calls_to("assessment", "POST", path) == []

    sent = client.post(f"/cases/{REFERRAL_ID}/follow-ups", data=FORM | ANSWERED | {"follow_up_id": DUE_ID})
    assert sent.status_code == 303
    [call] = services.calls_to("assessment", "POST", path)
    assert call["json"] == {
        "follow_up_id": DUE_ID,
        "measures": {"phq9": [1] * 8 + [0], "gad7": [0] * 7},
        "measured_by_name": "Test clinician",  # who took them, for the case's risk history
    }


def test_a_follow_up_with_phq9_item_9_above_0_needs_where_the_risk_was_escalated(signed_in, services, assessed_case):
    path = f"/v1/cases/{CASE_ID}/follow-ups"
    services.answers[("assessment", "POST", path)] = Answer(201, {})
    client = signed_in("clinician")
    raised = FORM | ANSWERED | {"phq9-9": "2"}
    page = client.post(f"/cases/{REFERRAL_ID}/follow-ups", data=raised).get_data(as_text=True)
    assert 'href="#follow_up_route">Select where the raised risk was escalated to' in page
    assert services.calls_to("assessment", "POST", path) == []
    client.post(f"/cases/{REFERRAL_ID}/follow-ups", data=raised | {"follow_up_route": "crisis-team"})
    [call] = services.calls_to("assessment", "POST", path)
    assert call["json"]["risk"] == {"route": "crisis-team"}


def test_occupational_health_liaison_is_shown_and_recorded_with_the_advice_given(signed_in, services, assessed_case):
    path = f"/v1/cases/{CASE_ID}/occupational-health-liaisons"
    services.answers[("care", "POST", path)] = Answer(201, {})
    client = signed_in("clinician")
    page = case_page(client)
    assert "7 Nov 2026</strong>: A phased return over four weeks" in page
    client.post(f"/cases/{REFERRAL_ID}/occupational-health-liaisons",
                data=FORM | {"liaised_on": "2026-11-07", "advice": "  Adjusted duties  "})  # fmt: skip
    [call] = services.calls_to("care", "POST", path)
    assert call["json"] == {"liaised_on": "2026-11-07", "advice": "Adjusted duties"}


def test_signposting_and_monitoring_are_shown_and_recorded(signed_in, services, assessed_case):
    services.answers[("care", "POST", f"/v1/cases/{CASE_ID}/signpostings")] = Answer(201, {})
    client = signed_in("clinician")
    page = case_page(client)
    assert "4 Nov 2026</strong>: Self help" in page
    assert "Every 28 days" in page and "1 Dec 2026" in page and "End monitoring" in page
    client.post(f"/cases/{REFERRAL_ID}/signpostings", data=FORM | {"signpost_service_types": ["peer-support"]})
    [call] = services.calls_to("care", "POST", f"/v1/cases/{CASE_ID}/signpostings")
    assert call["json"]["service_types"] == ["peer-support"]


def test_close_case_asks_for_confirmation_then_closes_the_referral_and_the_episode_together(signed_in, services):
    services.answers[("referral", "POST", f"/v1/referrals/{REFERRAL_ID}/closure")] = Answer(200, {})
    services.answers[("care", "POST", f"/v1/cases/{CASE_ID}/closure")] = Answer(200, {})
    client = signed_in("clinician")
    asked = client.post(f"/cases/{REFERRAL_ID}/closure", data=FORM | {"reason": "care-completed"})
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Close this case?" in page and "Care completed" in page
    assert 'name="confirm" value="yes"' in page
    assert [c for c in services.calls if c["method"] == "POST"] == []

    done = client.post(f"/cases/{REFERRAL_ID}/closure", data=FORM | {"reason": "care-completed", "confirm": "yes"})
    assert done.status_code == 303
    posts = [(c["service"], c["path"], c["json"]) for c in services.calls if c["method"] == "POST"]
    assert posts == [
        ("referral", f"/v1/referrals/{REFERRAL_ID}/closure", {"reason": "care-completed"}),
        ("care", f"/v1/cases/{CASE_ID}/closure", {"reason": "care-completed"}),
    ]


def test_an_episode_already_closed_by_the_referrals_closure_is_closed_all_the_same(signed_in, services, assessed_case):
    services.answers[("referral", "POST", f"/v1/referrals/{REFERRAL_ID}/closure")] = Answer(200, {})
    services.answers[("care", "POST", f"/v1/cases/{CASE_ID}/closure")] = Answer(409, detail="The case is closed.")
    client = signed_in("clinician")
    client.post(f"/cases/{REFERRAL_ID}/closure", data=FORM | {"reason": "care-completed", "confirm": "yes"})
    assert "Case closed: the referral and the episode of care" in case_page(client)


def test_a_referral_that_will_not_close_leaves_the_episode_open(signed_in, services, assessed_case):
    services.answers[("referral", "POST", f"/v1/referrals/{REFERRAL_ID}/closure")] = Answer(409, detail="Closed.")
    client = signed_in("clinician")
    client.post(f"/cases/{REFERRAL_ID}/closure", data=FORM | {"reason": "care-completed", "confirm": "yes"})
    assert services.calls_to("care", "POST", f"/v1/cases/{CASE_ID}/closure") == []
    assert "The case was not closed: Closed." in case_page(client)


class RecordingSession:
    """The network under the services adapter: records each request's headers, answers 200."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str | None]] = []

    def request(self, method, url, headers=None, **_):
        self.sent.append((url.split("/v1/", 1)[1], (headers or {}).get(IDEMPOTENCY_HEADER)))
        response = requests.Response()
        response.status_code, response._content = 200, b"{}"
        return response


def test_a_close_case_confirmed_twice_sends_the_same_keys_so_each_record_is_closed_once(make_portal):
    adapter = HubServices({n: f"http://127.0.0.1:9/{n}" for n in ("referral", "care")})
    adapter._http = RecordingSession()
    client = make_portal(fake=adapter)
    client.post("/sign-in/dev", data={"role": "clinician"})
    confirm = FORM | {
        "reason": "care-completed",
        "confirm": "yes",
        "idempotency_key": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
    }
    client.post(f"/cases/{REFERRAL_ID}/closure", data=confirm)
    client.post(f"/cases/{REFERRAL_ID}/closure", data=confirm)
    first, second = adapter._http.sent[:2], adapter._http.sent[2:]
    assert first == second
    assert [key for _, key in first] == [
        "7c9e6679-7425-40de-944b-e07fc1f90ae7.1",
        "7c9e6679-7425-40de-944b-e07fc1f90ae7.2",
    ]
    assert [path for path, _ in first] == [f"referrals/{REFERRAL_ID}/closure", f"cases/{CASE_ID}/closure"]


def test_every_label_of_the_follow_up_chart_fits_inside_it():
    from hubs.portal.domain.after_assessment import Measured, chart

    points = [
        Measured(label, at, phq9=12, gad7=9)
        for label, at in (("Assessment", "2026-10-01"), ("Follow-up 1", "2026-11-12"), ("Follow-up 2", "2026-12-24"))
    ]
    drawn = chart(points)
    char_width = 0.6 * 11  # the labels' font size is 11; a character is at most about 0.6 of it
    for label, x in drawn.x_labels:
        for line in label.split(": "):
            half = len(line) * char_width / 2
            assert x - half >= 0 and x + half <= drawn.width, line
