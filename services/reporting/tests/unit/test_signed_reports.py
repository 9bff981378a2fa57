"""Signed reports: a hub signs what it sends; the national service takes a report only when it
verifies with a key registered for that hub, and only a version that moves on by a sane step."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hubs.contracts import message_headers, new_envelope, parse_envelope
from hubs.reporting.adapters.metrics import NATIONAL_REPORTS_REJECTED
from hubs.reporting.adapters.signing import HubRegistry, ReportSigner, count_rejected
from hubs.reporting.domain.provenance import RejectedReport, canonical_json, check_version
from hubs.reporting.service_layer.handlers import keep_hub_report
from hubs.runtime.settings import Settings


def public_pem(key: Ed25519PrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


class FakeNationalReports:
    def __init__(self):
        self.kept: dict[tuple[str, str, str], dict] = {}

    def version_of(self, hub_id, period_type, period):
        kept = self.kept.get((hub_id, period_type, period))
        return kept["report_version"] if kept else None

    def keep_if_newer(self, report):
        self.kept[(report["hub_id"], report["period_type"], report["period"])] = report
        return True


def registry(**hubs: list[tuple[str, Ed25519PrivateKey]]) -> HubRegistry:
    return HubRegistry.parse(
        {
            "hubs": [
                {"hub_id": hub_id, "name": hub_id, "region": "london",
                 "keys": [{"key_id": key_id, "public_key": public_pem(key)} for key_id, key in keys]}
                for hub_id, keys in hubs.items()
            ]
        }
    )  # fmt: skip


def envelope(hub_id: str = "hub-a", version: int = 1, **data) -> dict:
    report = {"hub_id": hub_id, "region": "london", "period_type": "month", "period": "2026-10",
              "report_version": version, "figures": {"self_referrals": 10}, "final": False, **data}  # fmt: skip
    return new_envelope("HubPeriodReport", report, hub_id=hub_id, producer=f"reporting@{hub_id}")


def record(message: dict, headers: list[tuple[str, bytes]]) -> SimpleNamespace:
    """A message as the national consumer reads it off the topic."""
    return SimpleNamespace(value=json.dumps(message).encode(), headers=headers, topic="national.hub-reports.v1")


def signed(message: dict, key: Ed25519PrivateKey, key_id: str = "hub-a-1") -> SimpleNamespace:
    signer = ReportSigner(key_id, key)
    value = json.dumps(message).encode()
    return record(message, message_headers(message) + signer.headers_for("national.hub-reports.v1", value))


def reason_of(check) -> str:
    with pytest.raises(RejectedReport) as refused:
        check()
    return refused.value.reason


def test_the_canonical_json_of_a_report_has_sorted_keys_no_spaces_and_utf8():
    assert canonical_json({"b": 1, "a": {"é": [1, "*"]}}) == '{"a":{"é":[1,"*"]},"b":1}'.encode()


def test_a_report_signed_by_its_hubs_registered_key_is_taken():
    key = Ed25519PrivateKey.generate()
    registry(**{"hub-a": [("hub-a-1", key)]}).verify(signed(envelope(), key))


def test_the_signature_holds_whatever_the_order_or_spacing_of_the_json_on_the_wire():
    key = Ed25519PrivateKey.generate()
    message = envelope()
    headers = signed(message, key).headers
    reordered = dict(reversed(list(message.items())))
    reordered["data"] = dict(reversed(list(message["data"].items())))
    wire = SimpleNamespace(value=json.dumps(reordered, indent=2).encode(), headers=headers, topic="t")
    registry(**{"hub-a": [("hub-a-1", key)]}).verify(wire)


def test_during_a_key_rotation_reports_signed_with_either_key_are_taken():
    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    hubs = registry(**{"hub-a": [("hub-a-2025", old), ("hub-a-2026", new)]})
    hubs.verify(signed(envelope(version=1), old, "hub-a-2025"))
    hubs.verify(signed(envelope(version=2), new, "hub-a-2026"))


def test_unsigned_unknown_hub_wrong_key_and_forged_reports_are_refused_with_their_reason():
    key, forger = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    hubs = registry(**{"hub-a": [("hub-a-1", key)]})
    message = envelope()
    assert reason_of(lambda: hubs.verify(record(message, message_headers(message)))) == "unsigned"
    assert reason_of(lambda: hubs.verify(signed(envelope("hub-z"), key))) == "unknown-hub"
    assert reason_of(lambda: hubs.verify(signed(message, forger, "forger-1"))) == "wrong-key"
    # The right hub id and a key id it has, signed with another key: forged.
    assert reason_of(lambda: hubs.verify(signed(message, forger, "hub-a-1"))) == "bad-signature"
    assert reason_of(lambda: hubs.verify(signed(envelope(region="midlands"), key))) == "wrong-region"


def test_a_report_changed_after_it_was_signed_is_refused():
    key = Ed25519PrivateKey.generate()
    hubs = registry(**{"hub-a": [("hub-a-1", key)]})
    message = envelope(version=3)
    headers = signed(message, key).headers
    message["data"]["report_version"] = 2**62  # any change: a version, a figure, a flag
    assert reason_of(lambda: hubs.verify(record(message, headers))) == "bad-signature"
    garbled = record(envelope(), [("hubs-signature", b"not base64!"), ("hubs-key-id", b"hub-a-1")])
    assert reason_of(lambda: hubs.verify(garbled)) == "bad-signature"


def test_a_message_no_contract_reads_is_refused_as_malformed():
    hubs = registry(**{"hub-a": [("hub-a-1", Ed25519PrivateKey.generate())]})
    assert reason_of(lambda: hubs.verify(SimpleNamespace(value=b"{not json", headers=[], topic="t"))) == "malformed"
    message = envelope()
    message["data"]["hub_id"] = "hub-b"  # a hub reporting for another
    assert reason_of(lambda: hubs.verify(signed(message, Ed25519PrivateKey.generate()))) == "malformed"


def test_rejections_are_counted_by_reason_only():
    before = NATIONAL_REPORTS_REJECTED.labels("wrong-key")._value.get()
    count_rejected(SimpleNamespace(), RejectedReport("wrong-key", "the key id is not one of hub hub-a's keys"))
    assert NATIONAL_REPORTS_REJECTED.labels("wrong-key")._value.get() == before + 1


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({}, "list of hubs"),
        ({"hubs": [{"hub_id": "Hub A", "region": "london", "keys": []}]}, "hub_id"),
        ({"hubs": [{"hub_id": "hub-a", "region": "wessex", "keys": []}]}, "region"),
        ({"hubs": [{"hub_id": "hub-a", "region": "london", "keys": []}]}, "no keys"),
        ({"hubs": [{"hub_id": "hub-a", "region": "london", "keys": [{"key_id": "k", "public_key": "x"}]}]}, "PEM"),
    ],
)
def test_a_registry_that_cannot_work_stops_the_national_worker_at_start(document, message):
    with pytest.raises(ValueError, match=message):
        HubRegistry.parse(document)


def test_a_registry_naming_a_hub_or_a_key_twice_is_refused():
    key = Ed25519PrivateKey.generate()
    with pytest.raises(ValueError, match="twice"):
        registry(**{"hub-a": [("k", key), ("k", key)]})


def test_the_registry_is_read_from_yaml_or_json(tmp_path):
    key = Ed25519PrivateKey.generate()
    pem = public_pem(key)
    as_yaml = tmp_path / "hubs.yaml"
    as_yaml.write_text(
        "hubs:\n  - hub_id: hub-a\n    name: Hub A\n    region: london\n    keys:\n      - key_id: hub-a-1\n"
        "        public_key: |\n" + "".join(f"          {line}\n" for line in pem.splitlines())
    )
    as_json = tmp_path / "hubs.json"
    as_json.write_text(json.dumps({"hubs": [{"hub_id": "hub-a", "region": "london",
                                             "keys": [{"key_id": "hub-a-1", "public_key": pem}]}]}))  # fmt: skip
    for path in (as_yaml, as_json):
        HubRegistry.load(str(path)).verify(signed(envelope(), key))


def test_a_hub_signs_with_the_key_in_its_file_and_never_a_key_in_a_variable(tmp_path):
    key = Ed25519PrivateKey.generate()
    path = tmp_path / "report-signing.pem"
    path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    settings = Settings(service="reporting", extra={"HUBS_REPORT_SIGNING_KEY_FILE": str(path),
                                                    "HUBS_REPORT_SIGNING_KEY_ID": "hub-a-1"})  # fmt: skip
    signer = ReportSigner.from_settings(settings)
    assert signer.public_key_pem() == public_pem(key)
    with pytest.raises(ValueError, match="HUBS_REPORT_SIGNING_KEY_FILE is required"):
        ReportSigner.from_settings(Settings(service="reporting", extra={"HUBS_REPORT_SIGNING_KEY_ID": "x"}))
    with pytest.raises(ValueError, match="put the key in a file"):
        ReportSigner.from_settings(Settings(service="reporting", extra={"HUBS_REPORT_SIGNING_KEY": "x"}))
    with pytest.raises(ValueError, match="HUBS_REPORT_SIGNING_KEY_ID"):
        ReportSigner.from_settings(Settings(service="reporting", extra={"HUBS_REPORT_SIGNING_KEY_FILE": str(path)}))


def test_the_relay_signs_reports_and_nothing_else():
    signer = ReportSigner("hub-a-1", Ed25519PrivateKey.generate())
    other = {"event_type": "ReferralReceived", "data": {}}
    assert signer.headers_for("hub.x.referral.events.v1", json.dumps(other).encode()) == []
    names = [name for name, _ in signer.headers_for("national.hub-reports.v1", json.dumps(envelope()).encode())]
    assert names == ["hubs-signature", "hubs-key-id"]


def test_a_version_is_taken_only_above_the_last_one_and_within_the_step():
    assert check_version(1, None)
    assert check_version(5, 4)
    assert not check_version(4, 4)  # repeated: ignored
    assert not check_version(3, 4)  # older: ignored
    assert check_version(1_000_004, 4, step=1_000_000)
    with pytest.raises(RejectedReport, match="version-jump"):
        check_version(1_000_005, 4, step=1_000_000)
    with pytest.raises(RejectedReport, match="version-jump"):
        check_version(2**63 - 1, None)


def received(version: int, **figures) -> dict:
    return parse_envelope(json.loads(json.dumps(envelope(version=version, figures=figures))))


def test_a_signed_report_with_the_largest_version_cannot_hide_the_hubs_later_reports():
    uow = SimpleNamespace(national=FakeNationalReports())
    keep_hub_report(received(1, self_referrals=10), uow)
    with pytest.raises(RejectedReport, match="version-jump"):
        keep_hub_report(received(2**63 - 1, self_referrals=0), uow)
    keep_hub_report(received(2, self_referrals=15), uow)
    keep_hub_report(received(1, self_referrals=99), uow)  # replayed: ignored
    assert uow.national.kept[("hub-a", "month", "2026-10")]["figures"] == {"self_referrals": 15}
