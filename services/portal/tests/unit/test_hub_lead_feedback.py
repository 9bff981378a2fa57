"""The hub lead enters feedback: a service user's (care co-ordination), and an attendee's on a
training session or an outreach event (outreach). Scores are sent as numbers, the service's field
messages come back beside the question, and what was typed is kept when it is refused."""

from __future__ import annotations

from hubs.portal.adapters.services import Answer

SESSION_ID = "7a1e0000-1111-4222-8333-444455556666"
EVENT_ID = "e7e70000-1111-4222-8333-444455556666"
SESSION = {
    "training_session_id": SESSION_ID, "delivered_on": "2026-11-20", "audience": "line-managers",
    "topic": "suicide-prevention", "attendance": 14, "duration_minutes": 90, "delivery_mode": "online",
    "feedback": {"responses": 2, "mean_useful": 4.5, "mean_confidence_before": 2.0, "mean_confidence_after": 4.0,
                 "mean_confidence_change": 2.0, "more_confident": 2},
}  # fmt: skip
EVENTS = [
    {"outreach_event_id": EVENT_ID, "code": "EV-1", "kind": "outreach", "held_on": "2026-11-02", "status": "held",
     "attendance": 30, "delivery_mode": "in-person", "referrals": 0, "feedback": {"responses": 0}},
    {"outreach_event_id": "e7e70000-2222-4222-8333-444455556666", "code": "EV-2", "kind": "inreach",
     "held_on": "2026-12-20", "status": "planned", "attendance": None, "referrals": 0, "feedback": {"responses": 0}},
]  # fmt: skip
SERVICE_USER = {
    "given_on": "2026-11-25", "stage": "at-closure", "overall_experience": "very-good", "felt_listened_to": "5",
    "easy_to_access": "4", "helped": "", "confidentiality_trusted": "5", "comment": "Kind and quick.",
}  # fmt: skip


def test_a_service_users_feedback_is_sent_with_its_scores_as_numbers(signed_in, services):
    services.answers[("care", "POST", "/v1/service-user-feedback")] = Answer(201, {"feedback_id": "f"})
    response = signed_in("hub-lead").post("/lead/service-user-feedback", data=SERVICE_USER)

    assert response.status_code == 303
    assert services.calls_to("care", "POST", "/v1/service-user-feedback")[0]["json"] == {
        "given_on": "2026-11-25", "stage": "at-closure", "overall_experience": "very-good", "felt_listened_to": 5,
        "easy_to_access": 4, "confidentiality_trusted": 5, "comment": "Kind and quick.",
    }  # fmt: skip


def test_service_user_feedback_is_listed_with_its_codes_in_words(signed_in, services):
    services.answers[("care", "GET", "/v1/service-user-feedback")] = Answer(200, [
        {"feedback_id": "f", "given_on": "2026-11-25", "stage": "after-assessment",
         "overall_experience": "neither-good-nor-poor", "felt_listened_to": 4, "comment": "Fine"},
    ])  # fmt: skip
    page = signed_in("hub-lead").get("/lead/service-user-feedback").get_data(as_text=True)

    assert ">After assessment<" in page and ">Neither good nor poor<" in page
    assert "after-assessment" not in page.split('id="record"')[0]


def test_a_refused_service_user_feedback_says_why_beside_the_field_and_keeps_every_answer(signed_in, services):
    services.answers[("care", "POST", "/v1/service-user-feedback")] = Answer(
        422, title="Unprocessable Content", errors={"json": {"given_on": ["Must not be before 2020-10-01."]}}
    )
    response = signed_in("hub-lead").post(
        "/lead/service-user-feedback", data={**SERVICE_USER, "given_on": "2019-01-01"}
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="given_on-error"' in page and "Must not be before 2020-10-01." in page
    assert 'value="2019-01-01"' in page
    assert 'name="felt_listened_to" type="radio" value="5" checked' in page
    assert '<option value="very-good" selected>' in page
    assert "Kind and quick." in page


def test_a_score_that_is_not_from_1_to_5_is_not_sent(signed_in, services):
    response = signed_in("hub-lead").post("/lead/service-user-feedback", data={**SERVICE_USER, "helped": "7"})

    assert response.status_code == 400
    assert "Give &#39;The hub helped me&#39; a score from 1 to 5" in response.get_data(as_text=True)
    assert services.calls_to("care", "POST", "/v1/service-user-feedback") == []


def test_the_training_list_leads_to_each_sessions_feedback_with_what_came_in_so_far(signed_in, services):
    services.answers[("outreach", "GET", "/v1/training-sessions")] = Answer(200, [SESSION])
    services.answers[("outreach", "GET", f"/v1/training-sessions/{SESSION_ID}")] = Answer(200, SESSION)
    client = signed_in("hub-lead")

    listing = client.get("/lead/training").get_data(as_text=True)
    assert f'href="/lead/training/{SESSION_ID}/feedback"' in listing
    page = client.get(f"/lead/training/{SESSION_ID}/feedback").get_data(as_text=True)
    assert "Suicide prevention" in page and "Line managers" in page
    assert "2 responses; useful 4.5 out of 5 on average; confidence up 2.0 on average" in page


def test_training_feedback_is_sent_for_its_session_and_a_refusal_lands_beside_its_field(signed_in, services):
    path = f"/v1/training-sessions/{SESSION_ID}/feedback"
    services.answers[("outreach", "GET", f"/v1/training-sessions/{SESSION_ID}")] = Answer(200, SESSION)
    services.answers[("outreach", "POST", path)] = Answer(
        422, title="Unprocessable Content", detail="Give the confidence rating both before and after, or neither.",
        errors={"confidence_after": ["Give the confidence rating both before and after, or neither."]},
    )  # fmt: skip
    typed = {"given_on": "2026-11-21", "useful": "4", "confidence_before": "2", "comment": "More role play"}
    response = signed_in("hub-lead").post(f"/lead/training/{SESSION_ID}/feedback", data=typed)

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert services.calls_to("outreach", "POST", path)[0]["json"] == {
        "given_on": "2026-11-21", "useful": 4, "confidence_before": 2, "comment": "More role play",
    }  # fmt: skip
    assert 'id="confidence_after-error"' in page
    assert 'name="confidence_before" type="radio" value="2" checked' in page
    assert "More role play" in page


def test_event_feedback_is_entered_and_the_page_is_ready_for_the_next_attendee(signed_in, services):
    path = f"/v1/outreach-events/{EVENT_ID}/feedback"
    services.answers[("outreach", "POST", path)] = Answer(201, {"feedback_id": "f"})
    client = signed_in("hub-lead")
    response = client.post(f"/lead/outreach-events/{EVENT_ID}/feedback",
                           data={"given_on": "2026-11-02", "useful": "5", "more_likely_to_seek_help": "4"})  # fmt: skip

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/lead/outreach-events/{EVENT_ID}/feedback")
    assert services.calls_to("outreach", "POST", path)[0]["json"] == {
        "given_on": "2026-11-02", "useful": 5, "more_likely_to_seek_help": 4,
    }  # fmt: skip


def test_only_events_held_take_feedback(signed_in, services):
    services.answers[("outreach", "GET", "/v1/outreach-events")] = Answer(200, EVENTS)
    page = signed_in("hub-lead").get("/lead/outreach-events").get_data(as_text=True)

    assert page.count("Enter feedback<") == 1
    assert f"/lead/outreach-events/{EVENT_ID}/feedback" in page
