"""Property-based testing of every service's API from its own OpenAPI description (schemathesis,
in process over WSGI, with a token of every role): no 5xx, responses match the schema, invalid
input is rejected. Bounded in examples, so that it runs in every `make test`."""

from __future__ import annotations

import uuid

import pytest
from cryptography.fernet import Fernet
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from hubs.assessment.bootstrap import DEFINITION as ASSESSMENT
from hubs.care_coordination.bootstrap import DEFINITION as CARE
from hubs.outreach.bootstrap import DEFINITION as OUTREACH
from hubs.referral.bootstrap import DEFINITION as REFERRAL
from hubs.reporting.bootstrap import DEFINITION as REPORTING
from hubs.runtime.forwarding import SERVICE_TOKEN_HEADER

pytestmark = pytest.mark.integration

# The referral API is the one anyone may reach (self-referral): it gets the most examples.
SERVICES = {
    "referral": (REFERRAL, {"extra": {"HUBS_SELF_REFERRAL_RATE_LIMIT": "1000/second"}}, 60),
    "assessment": (ASSESSMENT, {}, 15),
    "care-coordination": (CARE, {}, 15),
    "outreach": (OUTREACH, {}, 15),
    "reporting": (REPORTING, {}, 15),
    "reporting-national": (REPORTING, {"reporting_mode": "national", "schema_suffix": "national_"}, 15),
}
# A date's range (the hub's records start to now) and the pathway's order cannot be said in
# OpenAPI, so a schema-valid request may be refused for one of these, and for nothing else.
DATE_FIELDS = {"date_of_birth", "given_at", "recorded_at", "attempted_at", "since"}
# Nor can what a request needs because of who sends it, or of the case it is about: giving a case to
# someone else needs their name, and moving it from one clinician to another needs a reason.
RULES_OF_THE_CALLER_OR_CASE = {"POST /v1/referrals/{referral_id}/assignment": {"name", "reason"}}


def _fields_named(errors) -> set[str]:
    """The fields a problem's `errors` names, however nested."""
    if not isinstance(errors, dict):
        return set()
    return {k for k, v in errors.items() if isinstance(v, list)} | {
        name for v in errors.values() for name in _fields_named(v)
    }


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
@pytest.mark.parametrize("service_name", sorted(SERVICES))
def test_every_api_keeps_its_contract_under_generated_input(
    service_name, mode, run_service, openapi_with_every_role, tmp_path
):
    definition, overrides, examples = SERVICES[service_name]
    portal = {}
    if service_name == "referral":
        # Requests come as the portal sends them, so the portal-only endpoints are reached too.
        token = tmp_path / "portal-service-token"
        token.write_text(uuid.uuid4().hex * 2)
        portal = {SERVICE_TOKEN_HEADER: token.read_text()}
        overrides = {"extra": {**overrides["extra"], "HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode(),
                               "HUBS_PORTAL_SERVICE_TOKEN_FILE": str(token)}}  # fmt: skip
    service = run_service(definition, **overrides)
    national = service.settings.reporting_mode == "national"
    schema = openapi_with_every_role(service.app, national=national)

    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations

    statuses: dict[str, set[int]] = {}
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case) -> None:
            if mode is GenerationMode.POSITIVE and "Idempotency-Key" in (case.headers or {}):
                # Generated keys repeat; a key sent again with another body is rightly refused (422).
                case.headers["Idempotency-Key"] = str(uuid.uuid4())
            response = case.call_and_validate(headers=portal, excluded_checks=[positive_data_acceptance])
            statuses.setdefault(case.operation.label, set()).add(response.status_code)
            if mode is GenerationMode.POSITIVE and response.status_code == 422 and service_name == "referral":
                # The public API: schema-valid input is refused only for what OpenAPI cannot say.
                refused = _fields_named(response.json().get("errors"))
                # JSON Schema counts 1.0 as an integer; the APIs take a JSON integer only (JsonInteger).
                body = case.body if isinstance(case.body, dict) else {}
                decimals = {f for f in refused if isinstance(body.get(f), float) and body[f].is_integer()}
                allowed = DATE_FIELDS | RULES_OF_THE_CALLER_OR_CASE.get(case.operation.label, set())
                assert refused and refused - decimals <= allowed, (case.operation.label, response.json(), body)

        check()

    if mode is GenerationMode.POSITIVE:
        # Valid requests got past authentication: the fuzzing reached every handler.
        reached = {label for label, seen in statuses.items() if seen - {401, 403}}
        assert reached == set(statuses), {label: sorted(seen) for label, seen in statuses.items()}
        assert any(200 <= s < 300 for seen in statuses.values() for s in seen), statuses
