"""Hostile request bodies and queries are refused at the door with a 4xx problem, never a 500,
before the view runs (so nothing is stored): JSON nested past Python's recursion limit, numbers
of thousands of digits, NaN, and text that cannot be stored (a lone surrogate, a NUL). A caller
without access is told 401/403 first, whatever the body or query holds, HEAD included."""

from __future__ import annotations

import json
import time

import pytest
from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from hubs.runtime import dev_issuer
from hubs.runtime.app import create_app
from hubs.runtime.auth import Role, requires
from hubs.runtime.guards import MAX_JSON_DEPTH, MAX_NUMBER_LENGTH, nesting_depth
from hubs.runtime.settings import Settings

HUB = "hub-a"


class Consent(Schema):
    given_by = fields.String(required=True)


class ReferralBody(Schema):
    reason = fields.String(required=True)
    consent = fields.Nested(Consent)
    factors = fields.List(fields.String())
    answers = fields.List(fields.Raw())
    count = fields.Integer()


class QueueQuery(Schema):
    employer = fields.String()
    page = fields.Integer()


@pytest.fixture
def service():
    """A service with a public creating endpoint and a protected list; `service.stored` is what
    the creating view was handed."""
    settings = Settings(service="referral", hub_id=HUB, extra={"HUBS_AUTH_DEV_ISSUER": "true"})
    app, api = create_app(settings, title="t", description="t", readiness_checks={})
    blp = Blueprint("referrals", __name__, url_prefix="/v1")
    stored: list[dict] = []

    @blp.route("/self-referrals")
    class SelfReferrals(MethodView):
        @blp.arguments(ReferralBody)
        @blp.response(201)
        def post(self, body):
            stored.append(body)
            return {"reason": body["reason"]}

    @blp.route("/referrals")
    class Referrals(MethodView):
        @blp.arguments(QueueQuery, location="query")
        @blp.response(200)
        @requires(Role.CLINICIAN)
        def get(self, query):
            stored.append(query)
            return {"employer": query.get("employer")}

        @blp.arguments(ReferralBody)
        @blp.response(201)
        @requires(Role.REFERRER)
        def post(self, body):
            stored.append(body)
            return {}

    @blp.route("/sickness-absence")
    class Upload(MethodView):
        @blp.response(201)
        def post(self):
            stored.append(request.stream.read().decode("utf-8"))
            return {}

    api.register_blueprint(blp)
    app.stored = stored  # type: ignore[attr-defined]
    return app


def post_raw(service, text: str, path: str = "/v1/self-referrals", **kwargs):
    return service.test_client().post(path, data=text.encode("utf-8", "surrogatepass"), content_type="application/json",
                                      **kwargs)  # fmt: skip


def as_clinician() -> dict[str, str]:
    return {"Authorization": "Bearer " + dev_issuer.issue(HUB, ["clinician"])}


def assert_problem(answer, status: int, slug: str) -> dict:
    assert answer.status_code == status, answer.get_data(as_text=True)[:300]
    assert answer.content_type == "application/problem+json"
    body = answer.get_json()
    assert body["type"].endswith("/" + slug)
    return body


def test_json_nested_a_hundred_thousand_deep_is_a_400_naming_the_problem_not_a_500(service):
    answer = post_raw(service, "[" * 30_000 + "]" * 30_000)
    body = assert_problem(answer, 400, "json-too-deep")
    assert str(MAX_JSON_DEPTH) in body["detail"]
    assert_problem(post_raw(service, '{"reason": "x", "answers": ' + "[" * 20_000), 400, "json-too-deep")
    assert service.stored == []
    # Within the limit, the fields judge: ordinary nesting goes through.
    assert post_raw(service, '{"reason": "x", "answers": ' + "[" * 10 + "]" * 10 + "}").status_code == 201


def test_brackets_and_escaped_quotes_inside_text_are_not_nesting():
    assert nesting_depth('{"reason": "[[[[{{{{ \\" [[[[", "answers": [[1]]}') == 3
    assert nesting_depth('["\\\\", [[]]]') == 3


def test_an_open_string_full_of_escaped_quotes_is_scanned_in_linear_time():
    hostile = '"' + '\\"' * 30_000 + "\\"
    started = time.perf_counter()
    nesting_depth(hostile)
    assert time.perf_counter() - started < 1.0


def test_an_integer_of_thousands_of_digits_is_a_400_not_a_500(service):
    answer = post_raw(service, '{"reason": "x", "count": ' + "9" * 5_000 + "}")
    assert str(MAX_NUMBER_LENGTH) in assert_problem(answer, 400, "json-number-too-long")["detail"]
    assert_problem(post_raw(service, '{"reason": "x", "count": 1.' + "5" * 5_000 + "}"), 400, "json-number-too-long")
    assert service.stored == []
    # A big number within the length is left to the field (JsonInteger fields refuse it; this one takes it).
    assert post_raw(service, json.dumps({"reason": "x", "count": 10**40})).status_code == 201


def test_nan_and_infinity_are_not_json_any_more_than_a_cut_off_body(service):
    assert_problem(post_raw(service, '{"reason": "x", "answers": [NaN]}'), 400, "json-not-a-number")
    assert_problem(post_raw(service, '{"reason": "x", "answers": [-Infinity]}'), 400, "json-not-a-number")
    assert post_raw(service, '{"reason": ').status_code == 400  # answered by the view's parser, as before
    assert service.stored == []


@pytest.mark.parametrize("hostile", ["\ud800", "before\udfffafter", "a\x00b"], ids=["surrogate", "low", "nul"])
def test_text_that_cannot_be_stored_is_a_422_naming_the_field_and_is_not_stored(service, hostile):
    answer = post_raw(service, json.dumps({"reason": hostile}))
    body = assert_problem(answer, 422, "unstorable-text")
    assert list(body["errors"]) == ["reason"]
    assert service.stored == []
    # Paired surrogates (an emoji), brackets and quotes are ordinary text, handed to the view unchanged.
    ordinary = (
        '{"reason": "\\ud83d\\ude00 low mood [since the move] {and} \\"tired\\"", "consent": {"given_by": "self"}}'
    )
    assert post_raw(service, ordinary).status_code == 201
    assert service.stored == [{"reason": '😀 low mood [since the move] {and} "tired"', "consent": {"given_by": "self"}}]


def test_nested_fields_and_list_items_are_named_as_the_schema_names_them(service):
    body = {"reason": "x", "consent": {"given_by": "\ud800"}, "factors": ["ok", "\x00"]}
    errors = assert_problem(post_raw(service, json.dumps(body)), 422, "unstorable-text")["errors"]
    assert set(errors) == {"consent", "factors"}
    assert list(errors["consent"]) == ["given_by"] and list(errors["factors"]) == ["1"]


def test_a_field_name_or_a_whole_body_that_cannot_be_stored_is_a_400(service):
    assert_problem(post_raw(service, json.dumps({"reason": "x", "\ud800": 1})), 400, "unstorable-text")
    assert_problem(post_raw(service, json.dumps("\x00")), 400, "unstorable-text")


def test_a_nul_in_the_query_is_a_422_naming_the_parameter(service):
    answer = service.test_client().get("/v1/referrals?employer=Trust%00", headers=as_clinician())
    assert list(assert_problem(answer, 422, "unstorable-text")["errors"]) == ["employer"]
    assert service.stored == []


def test_head_without_access_is_refused_exactly_as_get_before_any_validation(service):
    client = service.test_client()
    other_hub = {"Authorization": "Bearer " + dev_issuer.issue("hub-b", ["clinician"])}
    for query in ("?page=first", "?employer=Trust%00", ""):
        for headers, status in (({}, 401), (other_hub, 403)):
            get = client.get("/v1/referrals" + query, headers=headers)
            head = client.head("/v1/referrals" + query, headers=headers)
            assert (get.status_code, head.status_code) == (status, status), query
    # Bodies too: access first, whatever the body holds.
    assert_problem(post_raw(service, "[" * 30_000, path="/v1/referrals"), 401, "unauthorized")
    answer = post_raw(service, json.dumps({"reason": "\ud800"}), path="/v1/referrals", headers=as_clinician())
    assert_problem(answer, 403, "forbidden")
    assert service.stored == []


def test_a_csv_upload_with_a_nul_is_a_400_and_a_clean_one_reaches_the_view_whole(service):
    client = service.test_client()
    answer = client.post("/v1/sickness-absence", data=b"employer,month\nTrust\x00A,2026-01\n", content_type="text/csv")
    assert_problem(answer, 400, "unstorable-text")
    assert service.stored == []
    clean = "employer,month\nTrust A,2026-01\n"
    assert client.post("/v1/sickness-absence", data=clean.encode(), content_type="text/csv").status_code == 201
    assert service.stored == [clean]
