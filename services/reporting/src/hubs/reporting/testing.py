"""For tests that send reports through real Kafka: a signing key for the test's hubs, and the
national registry naming them, as a hub and the national team would set them up."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hubs.contracts import message_headers
from hubs.reporting.adapters.signing import ReportSigner


class ReportKeys:
    """The test's hubs sign with one key (HUBS_REPORT_SIGNING_KEY_FILE); the registry
    (HUBS_NATIONAL_HUB_REGISTRY_FILE) is written again whenever a hub or key is added."""

    def __init__(self, directory: Path, key_id: str = "test-key-1"):
        self.directory = directory
        self.key = Ed25519PrivateKey.generate()
        self.signer = ReportSigner(key_id, self.key)
        self.key_file = directory / "report-signing.pem"
        self.key_file.write_bytes(
            self.key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        os.chmod(self.key_file, 0o600)
        self.registry_file = directory / "national-hubs.json"
        self._hubs: dict[str, dict] = {}
        self._write()

    @property
    def environment(self) -> dict[str, str]:
        return {
            "HUBS_REPORT_SIGNING_KEY_FILE": str(self.key_file),
            "HUBS_REPORT_SIGNING_KEY_ID": self.signer.key_id,
            "HUBS_NATIONAL_HUB_REGISTRY_FILE": str(self.registry_file),
        }

    def register(self, hub_id: str, region: str = "london", keys: dict[str, Ed25519PrivateKey] | None = None) -> None:
        """Name a hub in the registry with `keys` (by key id; the test's own key by default).
        The national worker reads the registry when it starts."""
        keys = keys if keys is not None else {self.signer.key_id: self.key}
        self._hubs[hub_id] = {
            "hub_id": hub_id,
            "name": hub_id,
            "region": region,
            "keys": [{"key_id": key_id, "public_key": ReportSigner(key_id, key).public_key_pem()}
                     for key_id, key in keys.items()],
        }  # fmt: skip
        self._write()

    def headers(self, envelope: dict, signer: ReportSigner | None = None) -> list[tuple[str, bytes]]:
        """An envelope's Kafka headers as a hub's relay sends them, signed."""
        return message_headers(envelope) + (signer or self.signer).signature_headers(envelope["data"])

    def _write(self) -> None:
        self.registry_file.write_text(json.dumps({"hubs": list(self._hubs.values())}))


def report_keys(directory: Path, hub_id: str, monkeypatch: pytest.MonkeyPatch) -> ReportKeys:
    """A signing key for a test's hubs and a registry naming its hub in London, in the
    environment every service of the test reads its settings from (a conftest's fixture)."""
    keys = ReportKeys(directory)
    keys.register(hub_id)
    for name, value in keys.environment.items():
        monkeypatch.setenv(name, value)
    return keys


def seeded_arrivals(seed: int, referrals: int, year_start, until) -> list[dict]:
    """A seeded year of a hub's synthetic events (referrals, triage, withdrawals, contacts,
    assessments, care, monitoring, follow-ups, closures, outreach and feedback) as a consumer gets
    them: each topic in its own order, the topics interleaved at random, some events delivered
    again later; read as the consumer reads them."""
    import random
    from collections import deque

    from hubs.contracts import parse_envelope
    from hubs.contracts.registry import spec_for
    from hubs.loadgen.england import england
    from hubs.loadgen.pathways import Pathways

    events = list(Pathways(england()[0], seed=seed, until=until).year(year_start, referrals=referrals))
    rng = random.Random(seed)
    topics: dict[str, list[dict]] = {}
    for e in events:
        topics.setdefault(spec_for(e["event_type"]).service, []).append(e)
    queues = [deque(sorted(t, key=lambda e: e["occurred_at"])) for t in topics.values()]
    delivered, again = [], set()
    while any(queues):
        queue = rng.choice([q for q in queues if q])
        event = queue.popleft()
        delivered.append(event)
        if rng.random() < 0.03 and event["event_id"] not in again:
            again.add(event["event_id"])
            queue.insert(rng.randrange(len(queue) + 1), event)
    return [parse_envelope(json.loads(json.dumps(e, default=str))) for e in delivered]
