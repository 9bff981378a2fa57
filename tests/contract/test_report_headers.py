"""The AsyncAPI document says how a hub's report is signed, and what a hub's relay sends
satisfies it."""

from __future__ import annotations

import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jsonschema import Draft202012Validator

from hubs.contracts import new_envelope
from hubs.contracts.topics import REPORT_KEY_ID_HEADER, REPORT_SIGNATURE_HEADER
from hubs.reporting.adapters.signing import ReportSigner


def test_a_hubs_report_must_carry_its_signature_and_key_id_headers(asyncapi_document):
    schemas = asyncapi_document["components"]["schemas"]
    message = asyncapi_document["components"]["messages"]["HubPeriodReport.v1"]
    assert message["headers"] == {"$ref": "#/components/schemas/ReportHeaders"}
    assert {REPORT_SIGNATURE_HEADER, REPORT_KEY_ID_HEADER} <= set(schemas["ReportHeaders"]["required"])
    report = {"hub_id": "north-hub", "region": "london", "period_type": "month", "period": "2026-10",
              "report_version": 1, "figures": {"self_referrals": 10}}  # fmt: skip
    envelope = new_envelope("HubPeriodReport", report, hub_id="north-hub", producer="reporting@north-hub")
    sent = ReportSigner("north-hub-2026", Ed25519PrivateKey.generate()).headers_for(
        "national.hub-reports.v1", json.dumps(envelope).encode()
    )
    headers = {"event_id": envelope["event_id"], "event_type": "HubPeriodReport"}
    headers |= {name: value.decode() for name, value in sent}
    assert Draft202012Validator(schemas["ReportHeaders"]).is_valid(headers)
    unsigned = {"event_id": envelope["event_id"], "event_type": "HubPeriodReport"}
    assert not Draft202012Validator(schemas["ReportHeaders"]).is_valid(unsigned)
