"""A worker or relay that kills itself with SIGKILL at the worst moment, for fault tests.

    python crash.py worker <service> <n>   SIGKILL right after the database commit that
                                           applied the n-th event,
                                           before the Kafka offsets are committed
    python crash.py relay <service> <n>    SIGKILL right after Kafka acknowledged the n-th
                                           event, before the outbox rows are marked sent
Settings come from the environment, as for the real commands."""

from __future__ import annotations

import importlib
import os
import signal
import sys

from hubs.runtime.cli import build_relay, start_worker
from hubs.runtime.consumer import EventConsumer
from hubs.runtime.lifecycle import StopSignal
from hubs.runtime.settings import Settings

MODULES = {
    "referral": "hubs.referral.bootstrap",
    "assessment": "hubs.assessment.bootstrap",
    "reporting": "hubs.reporting.bootstrap",
}


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def crash_worker(definition, settings: Settings, after: int) -> None:
    applied = 0

    def die_after(self, events: int) -> None:
        # Called once the events' effects and ids are committed to the database; the offsets
        # are committed later, at the end of the batch: die in between.
        nonlocal applied
        applied += events
        if applied >= after:
            die()

    EventConsumer._committed = die_after
    stop = StopSignal()
    for thread in start_worker(definition, settings, stop):
        thread.join()


class _AckThenDie:
    def __init__(self, future, last: bool):
        self.future = future
        self.last = last

    def get(self, timeout=None):
        record = self.future.get(timeout=timeout)
        if self.last:
            die()
        return record


class _KillingProducer:
    def __init__(self, real, after: int):
        self.real = real
        self.after = after
        self.sent = 0

    def send(self, *args, **kwargs):
        self.sent += 1
        return _AckThenDie(self.real.send(*args, **kwargs), last=self.sent >= self.after)

    def close(self, timeout=None):
        self.real.close(timeout=timeout)


def crash_relay(definition, settings: Settings, after: int) -> None:
    relay, producers = build_relay(definition, settings)
    relay._producers = {name: _KillingProducer(p, after) for name, p in producers.items()}
    relay._producer_for = lambda topic: relay._producers[relay._route(topic)]
    relay.run(StopSignal(), settings.relay_idle_seconds)


def main() -> None:
    mode, service, after = sys.argv[1], sys.argv[2], int(sys.argv[3])
    definition = importlib.import_module(MODULES[service]).DEFINITION
    settings = Settings.from_env(definition.name)
    (crash_worker if mode == "worker" else crash_relay)(definition, settings, after)
    sys.exit("expected to be killed before finishing")


if __name__ == "__main__":
    main()
