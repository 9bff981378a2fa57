"""Property-based testing of the referral API from its own OpenAPI description (schemathesis,
in-process over WSGI): no 5xx, responses match the schema, invalid input is rejected."""

from __future__ import annotations

import uuid

import pytest
from cryptography.fernet import Fernet
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from hubs.referral.bootstrap import DEFINITION

pytestmark = pytest.mark.integration

EXAMPLES_PER_OPERATION = 60
# A date's range (the hub's records start to now) and the pathway's order cannot be said in
# OpenAPI, so a schema-valid request may be refused for one of these, and for nothing else.
DATE_FIELDS = {"date_of_birth", "given_at", "recorded_at", "attempted_at", "since"}


def _fields_named(errors) -> set[str]:
    """The fields a problem's `errors` names, however nested."""
    if not isinstance(errors, dict):
        return set()
    return {k for k, v in errors.items() if isinstance(v, list)} | {
        name for v in errors.values() for name in _fields_named(v)
    }


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_the_referral_api_keeps_its_contract_under_generated_input(mode, run_service, openapi_with_every_role):
    service = run_service(
        DEFINITION,
        extra={
            "HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode(),
            "HUBS_SELF_REFERRAL_RATE_LIMIT": "1000/second",
        },
    )
    schema = openapi_with_every_role(service.app)

    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10

    statuses: dict[str, set[int]] = {}
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case) -> None:
            if mode is GenerationMode.POSITIVE and "Idempotency-Key" in (case.headers or {}):
                # Generated keys repeat; a key sent again with another body is rightly refused (422).
                case.headers["Idempotency-Key"] = str(uuid.uuid4())
            response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
            statuses.setdefault(case.operation.label, set()).add(response.status_code)
            if mode is GenerationMode.POSITIVE and response.status_code == 422:
                refused = _fields_named(response.json().get("errors"))
                assert refused and refused <= DATE_FIELDS, (case.operation.label, response.json())

        check()

    if mode is GenerationMode.POSITIVE:
        # Valid requests got past authentication: the fuzzing reached every handler.
        reached = {label for label, seen in statuses.items() if seen - {401, 403}}
        assert reached == set(statuses), {label: sorted(seen) for label, seen in statuses.items()}
        assert any(200 <= s < 300 for seen in statuses.values() for s in seen)
