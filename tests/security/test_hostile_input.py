"""Hostile input against every service, running on the real PostgreSQL: JSON nested past Python's
recursion limit, numbers of thousands of digits, text that cannot be stored (an unpaired UTF-16
surrogate, a NUL) and HEAD requests without a token. Each is answered with a 4xx problem, never
a 500; refused text is not stored; a caller without access is told 401/403 before any validation
(`hubs.runtime.guards`, `hubs.runtime.auth`)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from hubs.assessment.bootstrap import DEFINITION as ASSESSMENT
from hubs.care_coordination.bootstrap import DEFINITION as CARE
from hubs.outreach.bootstrap import DEFINITION as OUTREACH
from hubs.referral.bootstrap import DEFINITION as REFERRAL
from hubs.reporting.bootstrap import DEFINITION as REPORTING

pytestmark = pytest.mark.integration

# name -> (definition, reporting mode, extra settings)
SERVICES = {
    "referral": (REFERRAL, "hub", {"HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode(),
                                   "HUBS_SELF_REFERRAL_RATE_LIMIT": "1000/second"}),
    "assessment": (ASSESSMENT, "hub", {}),
    "care-coordination": (CARE, "hub", {}),
    "outreach": (OUTREACH, "hub", {}),
    "reporting": (REPORTING, "hub", {}),
    "reporting-national": (REPORTING, "national", {}),
}  # fmt: skip
# National reporting only reads: it takes no body.
WRITING_SERVICES = sorted(set(SERVICES) - {"reporting-national"})
EVERY_ROLE = ("clinician", "hub-lead", "referrer", "national-analyst")

DEEP_ARRAYS = "[" * 30_000 + "]" * 30_000  # within the 64 KiB limit, far past Python's recursion limit
HUGE_INTEGER = '{"count": ' + "9" * 5_000 + "}"  # int() refuses more than 4,300 digits
# A query no validation would let through: a week that does not exist, unknown and NUL parameters.
HOSTILE_QUERY = (
    "?period_type=week&period=9999-W52&purpose=nothing&since=0026-01-05&starts_on=2026-02-30"
    "&service_type=nothing&language=1&over_target=perhaps&x=%00"
)

EXAMPLES_PER_OPERATION = 25
SECONDS_PER_REQUEST = 5  # a hostile body that makes a service slow fails the run too


def _start(run_service, name: str):
    definition, mode, extra = SERVICES[name]
    return run_service(definition, reporting_mode=mode, schema_suffix=f"{mode}_", extra=extra)


def _path(rule) -> str:
    """A concrete path for a rule: a fresh UUID for every uuid parameter (no such record)."""
    values = {name: uuid.uuid4() for name in rule.arguments}
    return rule.build(values, append_unknown=False)[1]


def _rules(app, method: str):
    return [rule for rule in app.url_map.iter_rules() if method in rule.methods and "static" not in rule.rule]


def _protected(app, rule, method: str) -> bool:
    view = app.view_functions[rule.endpoint]
    return getattr(getattr(getattr(view, "view_class", None), method.lower(), view), "hubs_access", None) is not None


def _problem(answer, status: int, slug: str) -> dict:
    assert answer.status_code == status, answer.get_data(as_text=True)[:300]
    assert answer.content_type == "application/problem+json"
    body = answer.get_json()
    assert body["type"].endswith("/" + slug), body
    return body


def _raw(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


@pytest.mark.parametrize("service_name", WRITING_SERVICES)
def test_json_nested_too_deep_or_with_a_number_of_thousands_of_digits_is_a_400_on_every_endpoint(
    service_name, run_service, tokens
):
    service = _start(run_service, service_name)
    writes = [(method, rule) for method in ("POST", "PUT") for rule in _rules(service.app, method)]
    assert writes, "no endpoint takes a body"
    signed_in = tokens(*EVERY_ROLE)
    for method, rule in writes:
        path = _path(rule)
        for body, slug in ((DEEP_ARRAYS, "json-too-deep"), (HUGE_INTEGER, "json-number-too-long")):
            answer = service.client.open(
                path, method=method, data=_raw(body), content_type="application/json", headers=signed_in
            )
            _problem(answer, 400, slug)
    if service_name == "referral":
        # The public front door, without a token.
        answer = service.client.post("/v1/self-referrals", data=_raw(DEEP_ARRAYS), content_type="application/json")
        _problem(answer, 400, "json-too-deep")


PERSON = {"name": "Sam Example", "risk_screen": {"thoughts_of_self_harm": False, "risk_to_others": False}}


def _third_party(reason: str) -> dict:
    given_at = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    return {**PERSON, "source": "line-manager", "referrer": {"name": "Alex Manager"}, "reason": reason,
            "consent": {"given_by": "Sam Example", "given_at": given_at, "method": "verbal"}}  # fmt: skip


def test_a_lone_surrogate_in_a_referrals_reason_is_refused_naming_it_and_never_reaches_the_case_page(
    run_service, tokens
):
    service = _start(run_service, "referral")
    client = service.client
    for hostile in ("Worried about her \ud800", "\udfff", "late shifts\x00"):
        answer = client.post(
            "/v1/referrals", data=_raw(json.dumps(_third_party(hostile))), content_type="application/json",
            headers=tokens("referrer"),
        )  # fmt: skip
        assert "reason" in _problem(answer, 422, "unstorable-text")["errors"]
    answer = client.post(
        "/v1/self-referrals", data=_raw(json.dumps({**PERSON, "name": "Sam\ud800", "consent_to_contact": True})),
        content_type="application/json",
    )  # fmt: skip
    assert list(_problem(answer, 422, "unstorable-text")["errors"]) == ["name"]
    assert client.get("/v1/queue", headers=tokens("clinician")).get_json() == []  # nothing stored

    # The same referral with readable text is taken, and its case page opens for a clinician.
    assert (
        client.post("/v1/referrals", json=_third_party("Worried about her"), headers=tokens("referrer")).status_code
        == 201
    )
    (waiting,) = client.get("/v1/queue", headers=tokens("clinician")).get_json()
    case_page = client.get(f"/v1/referrals/{waiting['referral_id']}?purpose=first-contact", headers=tokens("clinician"))
    assert case_page.status_code == 200
    assert case_page.get_json()["reason"] == "Worried about her"


def test_care_coordination_refuses_text_it_cannot_store_naming_the_field(run_service, tokens):
    service = _start(run_service, "care-coordination")
    client = service.client
    directory = {"name": "Talking Therapies", "service_type": "talking-therapies", "target_wait_days": 28,
                 "how_to_refer": "Online form"}  # fmt: skip
    for field, hostile in (("name", "Talking\ud800"), ("how_to_refer", "Online\x00form"), ("contact", "\udc00")):
        answer = client.post(
            "/v1/directory", data=_raw(json.dumps({**directory, field: hostile})), content_type="application/json",
            headers=tokens("hub-lead"),
        )  # fmt: skip
        assert list(_problem(answer, 422, "unstorable-text")["errors"]) == [field]
    assert client.get("/v1/directory", headers=tokens("hub-lead")).get_json() == []  # nothing stored
    answer = client.post(
        "/v1/service-user-feedback",
        data=_raw(json.dumps({"given_on": datetime.now(UTC).date().isoformat(), "stage": "closure",
                              "overall_experience": "good", "comment": "kind \ud83d staff"})),
        content_type="application/json", headers=tokens("clinician"),
    )  # fmt: skip
    assert list(_problem(answer, 422, "unstorable-text")["errors"]) == ["comment"]


def test_a_sickness_absence_file_with_a_nul_is_refused_and_a_clean_one_imported(run_service, tokens):
    service = _start(run_service, "reporting")
    upload = "employer,month,mental_health_days_lost\n{},2026-01,5\n"
    answer = service.client.post(
        "/v1/sickness-absence", data=upload.format("Trust\x00A").encode(), content_type="text/csv",
        headers=tokens("hub-lead"),
    )  # fmt: skip
    _problem(answer, 400, "unstorable-text")
    answer = service.client.post(
        "/v1/sickness-absence", data=upload.format("Trust A").encode(), content_type="text/csv",
        headers=tokens("hub-lead"),
    )  # fmt: skip
    assert answer.status_code == 201
    assert answer.get_json()["accepted"] == 1


def test_the_national_data_set_refuses_a_week_that_does_not_exist(run_service, tokens):
    service = _start(run_service, "reporting-national")
    path = "/v1/national/dataset?period_type=week&period=9999-W52"
    answer = service.client.get(path, headers=tokens("national-analyst"))
    assert answer.status_code == 422
    assert "period" in answer.get_json()["errors"]
    assert service.client.head(path).status_code == 401


@pytest.mark.parametrize("service_name", sorted(SERVICES))
def test_head_without_access_is_refused_exactly_as_get_before_any_validation(service_name, run_service, tokens):
    service = _start(run_service, service_name)
    protected = [rule for rule in _rules(service.app, "GET") if _protected(service.app, rule, "GET")]
    assert protected
    # A national analyst or hub lead of another hub may read national figures: their HEAD is
    # validated as their GET is. Everyone else is refused before the hostile query is read.
    callers = {"no token": ({}, {401}), "no role": (tokens(), {403}),
               "another hub": (tokens(*EVERY_ROLE, hub="another-hub"), None)}  # fmt: skip
    failures = []
    for rule in protected:
        path = _path(rule) + HOSTILE_QUERY
        for label, (headers, expected) in callers.items():
            get = service.client.get(path, headers=headers).status_code
            head = service.client.head(path, headers=headers).status_code
            if head != get or (expected is not None and get not in expected):
                failures.append(f"{rule.rule} with {label}: GET {get}, HEAD {head}")
    assert not failures, "\n".join(failures)


# Hostile values, each as the JSON text that is sent, with whether it must be refused.
def _unstorable(text: str) -> bool:
    return "\x00" in text or any(0xD800 <= ord(c) <= 0xDFFF for c in text)


_CHARACTERS = st.characters(categories=["Cs", "Cc", "Cf", "L", "N", "P", "Zs"])
HOSTILE_TEXT = st.one_of(
    st.text(_CHARACTERS, max_size=40),
    st.tuples(st.text(max_size=10), st.sampled_from(["\ud800", "\udbff", "\udc00", "\udfff", "\x00"])).map("".join),
).map(lambda text: (json.dumps(text), _unstorable(text)))
HOSTILE_TEXT_IN_A_LIST = st.lists(st.text(_CHARACTERS, max_size=10), min_size=1, max_size=4).map(
    lambda texts: (json.dumps(texts), any(map(_unstorable, texts)))
)
# Around the guard's limits (32 levels, 100 characters), and past Python's own (1,000 levels of
# recursion, 4,300 digits), where the json module fails.
ABOUT_THE_LIMIT = st.integers(min_value=1, max_value=120)
PAST_PYTHONS_LIMIT = st.integers(min_value=1_000, max_value=25_000)
HUGE_NUMBERS = st.tuples(
    st.sampled_from(["", "-"]), ABOUT_THE_LIMIT | PAST_PYTHONS_LIMIT, st.sampled_from(["", ".5", "e999999"])
).map(lambda n: (n[0] + "9" * n[1] + n[2], len(n[0]) + n[1] + len(n[2]) > 100))
DEEP_NESTING = st.tuples(ABOUT_THE_LIMIT | PAST_PYTHONS_LIMIT, st.sampled_from(["[]", '{"a":}'])).map(
    lambda n: (
        ("[" * n[0] + "]" * n[0]) if n[1] == "[]" else ('{"a":' * n[0] + "1" + "}" * n[0]),
        n[0] > 32,
    )
)
HOSTILE_VALUES = st.one_of(HOSTILE_TEXT, HOSTILE_TEXT_IN_A_LIST, HUGE_NUMBERS, DEEP_NESTING)
FRAGMENT = "__hostile_value__"


def _body_fields(spec: dict, path: str) -> dict[str, bool]:
    """The writable top-level fields of a POST's JSON body: name -> whether it holds text."""
    body = spec["paths"][path]["post"].get("requestBody", {}).get("content", {}).get("application/json")
    if body is None:
        return {}
    schema = body["schema"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return {
        name: "string" in (prop.get("type") if isinstance(prop.get("type"), list) else [prop.get("type")])
        and "enum" not in prop
        and "format" not in prop
        for name, prop in schema.get("properties", {}).items()
        if not prop.get("readOnly")
    }


@pytest.mark.parametrize("service_name", WRITING_SERVICES)
def test_hostile_text_numbers_and_nesting_in_any_field_of_any_creating_endpoint_never_fail_a_service(
    service_name, run_service, tokens, openapi_with_every_role
):
    service = _start(run_service, service_name)
    spec = service.client.get("/openapi.json").get_json()
    creating = [
        result.ok()
        for result in openapi_with_every_role(service.app).get_all_operations()
        if result.ok().method.upper() == "POST" and _body_fields(spec, result.ok().path)
    ]
    assert creating, "no creating endpoint with a JSON body found"
    signed_in = tokens(*EVERY_ROLE)
    answers: dict[str, set[int]] = {}

    for operation in creating:
        fields = _body_fields(spec, operation.path)
        # Free-text fields get hostile text most often, so that it reaches the views that store it.
        text_fields = sorted(name for name, is_text in fields.items() if is_text)
        targets = st.one_of(
            st.tuples(st.sampled_from(sorted(fields)), HOSTILE_VALUES),
            *([st.tuples(st.sampled_from(text_fields), HOSTILE_TEXT)] if text_fields else []),
        )

        @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE), target=targets)
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=timedelta(seconds=SECONDS_PER_REQUEST),
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case, target) -> None:
            if not isinstance(case.body, dict):
                return
            field, (value, must_refuse) = target
            body = json.dumps({**case.body, field: FRAGMENT}).replace(json.dumps(FRAGMENT), value, 1)
            answer = service.client.post(
                case.formatted_path,
                query_string=case.query or {},
                data=_raw(body),
                content_type="application/json",
                headers={**signed_in, "Idempotency-Key": str(uuid.uuid4())},
            )
            answers.setdefault(case.operation.label, set()).add(answer.status_code)
            assert answer.status_code < 500, (case.operation.label, field, value[:80], answer.get_data()[:300])
            if must_refuse:
                assert 400 <= answer.status_code < 500, (case.operation.label, field, value[:80], "was accepted")
                assert answer.content_type == "application/problem+json"

        check()

    assert set(answers) == {operation.label for operation in creating}
