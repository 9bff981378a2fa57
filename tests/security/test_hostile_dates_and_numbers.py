"""Every creating endpoint of every service, sent generated bodies in which one date, time or
whole number is replaced by a careless or hostile one (a typed year `0026`, year 9999, a day
before the hub's records, a date ten years ahead, "7", 7.5, `true`, a number of forty digits):
no answer is a 5xx, none of them is accepted, and nothing out of range reaches the database.
(Reporting's one creating endpoint takes a CSV file: its lines are checked in its own tests.)"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from hubs.assessment.bootstrap import DEFINITION as ASSESSMENT
from hubs.care_coordination.bootstrap import DEFINITION as CARE
from hubs.outreach.bootstrap import DEFINITION as OUTREACH
from hubs.referral.bootstrap import DEFINITION as REFERRAL
from hubs.runtime.settings import DEFAULT_RECORDS_START
from hubs.runtime.testing import database_dump

pytestmark = pytest.mark.integration

EXAMPLES_PER_OPERATION = 25
TODAY = datetime.now(UTC).date()
FAR_AHEAD = TODAY + timedelta(days=10 * 366)

HOSTILE_DATES = ["0026-01-05", "0001-01-01", "9999-12-31", "2019-12-31", FAR_AHEAD.isoformat(), "2026-02-30", "26-1-5"]
HOSTILE_TIMES = [
    "0026-01-05T10:00:00+00:00",
    "9999-12-31T23:59:59+00:00",
    "2019-12-31T10:00:00+00:00",
    f"{FAR_AHEAD.isoformat()}T10:00:00+00:00",
    "2026-01-05T10:00:00",
]
HOSTILE_NUMBERS = ["7", 7.5, 7.0, True, 10**40, -(10**40)]
HOSTILE = {"date": HOSTILE_DATES, "date-time": HOSTILE_TIMES, "integer": HOSTILE_NUMBERS}

SERVICES = {
    "referral": (REFERRAL, {"HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode(),
                            "HUBS_SELF_REFERRAL_RATE_LIMIT": "1000/second"}),
    "assessment": (ASSESSMENT, {}),
    "care-coordination": (CARE, {}),
    "outreach": (OUTREACH, {}),
}  # fmt: skip


def _hostile_fields(spec: dict, path: str) -> dict[str, str]:
    """The top-level fields of a POST's JSON body that are dates, times or whole numbers: name -> kind."""
    body = spec["paths"][path]["post"].get("requestBody", {}).get("content", {}).get("application/json")
    if body is None:
        return {}
    schema = body["schema"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    found = {}
    for name, prop in schema.get("properties", {}).items():
        if prop.get("readOnly"):
            continue
        kind = prop.get("format") if prop.get("format") in ("date", "date-time") else prop.get("type")
        if isinstance(kind, list):  # OpenAPI 3.1 nullable: ["integer", "null"]
            kind = next((k for k in kind if k != "null"), None)
        if kind in HOSTILE:
            found[name] = kind
    return found


_DATE_IN_DUMP = re.compile(r"datetime\.date(?:time)?\((\d+), (\d+), (\d+)")


def _out_of_range_dates(dump: str) -> list[str]:
    """Dates in the database before the hub's records or more than three years ahead."""
    latest = TODAY + timedelta(days=3 * 366 + 1)
    found = []
    for year, month, day in _DATE_IN_DUMP.findall(dump):
        stored = date(int(year), int(month), int(day))
        if not DEFAULT_RECORDS_START <= stored <= latest:
            found.append(stored.isoformat())
    return found


@pytest.mark.parametrize("service_name", sorted(SERVICES))
def test_no_creating_endpoint_accepts_or_fails_on_a_careless_date_or_number(
    service_name, run_service, openapi_with_every_role
):
    definition, extra = SERVICES[service_name]
    service = run_service(definition, extra=extra)
    spec = service.client.get("/openapi.json").get_json()
    schema = openapi_with_every_role(service.app)
    creating = [
        result.ok()
        for result in schema.get_all_operations()
        if result.ok().method.upper() == "POST" and _hostile_fields(spec, result.ok().path)
    ]
    assert creating, "no creating endpoint with a date, time or number found"
    answers: dict[str, set[int]] = {}
    for operation in creating:
        _fuzz(operation, _hostile_fields(spec, operation.path), answers)

    assert answers, "no request was sent"
    assert _out_of_range_dates(database_dump(service.wiring.engine)) == []


def _fuzz(operation, targets: dict[str, str], answers: dict[str, set[int]]) -> None:
    """Send `operation` generated valid bodies with one of `targets` made hostile."""

    @given(
        case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        field=st.sampled_from(sorted(targets)),
        pick=st.integers(min_value=0, max_value=100),
    )
    @settings(
        max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def check(case, field, pick) -> None:
        if not isinstance(case.body, dict):
            return
        values = HOSTILE[targets[field]]
        value = values[pick % len(values)]
        case.body = {**case.body, field: value}
        response = case.call()
        answers.setdefault(case.operation.label, set()).add(response.status_code)
        assert response.status_code < 500, (case.operation.label, field, value, response.text[:300])
        assert not 200 <= response.status_code < 300, (case.operation.label, field, value, "was accepted")

    check()
