"""A service layer refuses in one way, and every API answers the refusal as the same problem
document: 404 for what the hub does not have, 422 naming the fields the rules refuse, 409 for a
state that forbids the change."""

from __future__ import annotations

from flask import Flask

from hubs.runtime.app import create_app
from hubs.runtime.refusals import NotFound, Refusal, Refused
from hubs.runtime.settings import Settings


def app_refusing(refusal: Refusal) -> Flask:
    app, _ = create_app(Settings(service="t", hub_id="hub-a"), title="t", description="t", readiness_checks={})

    @app.get("/v1/cases/1")
    def refuses():
        raise refusal

    return app


def answer_to(refusal: Refusal) -> tuple[int, str, dict]:
    answer = app_refusing(refusal).test_client().get("/v1/cases/1")
    return answer.status_code, answer.content_type, answer.get_json()


def test_a_thing_the_hub_does_not_have_is_a_404_problem():
    status, content_type, body = answer_to(NotFound("There is no such case in this hub."))
    assert (status, content_type) == (404, "application/problem+json")
    assert body == {
        "type": "https://wellbeing-hubs.nhs.example/problems/not-found",
        "title": "Not Found",
        "status": 404,
        "instance": "/v1/cases/1",
        "detail": "There is no such case in this hub.",
    }


def test_a_rule_refusing_a_field_is_a_422_naming_it_nested_as_the_request_nests_it():
    status, _, body = answer_to(Refused("Give a reason for each decision.", field="outcome.reasons"))
    assert status == 422
    assert body["title"] == "Unprocessable Entity"
    assert body["type"].endswith("/422")
    assert body["detail"] == "Give a reason for each decision."
    assert body["errors"] == {"outcome": {"reasons": ["Give a reason for each decision."]}}


def test_a_state_that_forbids_the_change_is_a_409_with_its_code():
    refusal = Refused("The referral is closed.", errors={"status": ["closed"]}, conflict=True, code="not-open")
    status, _, body = answer_to(refusal)
    assert status == 409
    assert body["title"] == "Conflict"
    assert body["type"].endswith("/not-open")
    assert body["errors"] == {"status": ["closed"]}
