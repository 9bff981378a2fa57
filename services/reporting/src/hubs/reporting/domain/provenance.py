"""Which hub's reports the national service takes: the rules, without keys or Kafka.

A hub signs every report it sends (Ed25519, over the report's canonical JSON); the national
service takes a report only when it verifies with a key registered for that hub, and only
when its version moves the hub's period on by a sane step. Everything refused is
dead-lettered with one of the reasons below (fixed codes: metric labels and DLQ headers carry
them, never hub data)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from hubs.runtime.consumer import PoisonMessage

# Why a report was refused.
UNSIGNED = "unsigned"  # no signature or no key id
UNKNOWN_HUB = "unknown-hub"  # the hub is not in the national registry
WRONG_KEY = "wrong-key"  # the key id is not one of that hub's keys
BAD_SIGNATURE = "bad-signature"  # the signature does not verify with the hub's key it names
WRONG_REGION = "wrong-region"  # the report names another region than the registry's
MALFORMED = "malformed"  # not a report its contract reads, or a hub reporting for another
VERSION_JUMP = "version-jump"  # the version is beyond the sane step above the last one taken
FAILED = "failed"  # it could not be applied, however often tried
REASONS = (UNSIGNED, UNKNOWN_HUB, WRONG_KEY, BAD_SIGNATURE, WRONG_REGION, MALFORMED, VERSION_JUMP, FAILED)

# How far above the last version taken for a hub's period a report may go. A hub counts up by
# one per change (a rebuilt hub carries on above what it published): a larger jump would hide
# every later real report, so it is refused.
DEFAULT_VERSION_STEP = 1_000_000


class RejectedReport(PoisonMessage):
    """A report the national service will not take: dead-lettered, with its reason first."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def canonical_json(report: Mapping[str, Any]) -> bytes:
    """The bytes a report's signature is over: its JSON with sorted keys, no spaces, UTF-8."""
    return json.dumps(report, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def check_version(version: int, last_taken: int | None, step: int = DEFAULT_VERSION_STEP) -> bool:
    """Whether a report of `version` is newer than the last one taken for its hub and period
    (None: none yet, as if 0). An older or equal one is False: ignored, because a hub's own
    report arriving again (a redelivery, a replay of the topic) is no harm and needs nobody.
    A jump of more than `step` is refused (RejectedReport)."""
    last = last_taken or 0
    if version <= last:
        return False
    if version - last > step:
        raise RejectedReport(VERSION_JUMP, f"version {version} is more than {step} above {last}")
    return True
