"""`hubs-reporting api|worker|relay|migrate|replay`.

`replay` rebuilds a hub's figures into a migrated, empty schema after its database was lost:
with a new HUBS_REPORTING_GENERATION its consumers read every hub topic again from the earliest
offset, and it exits 0 once every event that was on the topics when it started is applied and
every period is computed (the reports waiting in the outbox are sent by the relay, started after).
See docs/operations.md, "Disaster recovery: the reporting database"."""

from __future__ import annotations

import argparse
import logging
import sys
import threading
import time
from collections.abc import Callable

from kafka import KafkaConsumer, TopicPartition
from sqlalchemy import func, select

from hubs.reporting.adapters import orm
from hubs.reporting.bootstrap import DEFINITION
from hubs.runtime.cli import main as run
from hubs.runtime.cli import start_worker
from hubs.runtime.lifecycle import StopSignal
from hubs.runtime.logging import configure_logging
from hubs.runtime.settings import Settings

log = logging.getLogger(__name__)

# Long enough for a hub's years of events on two cores (a year rebuilds in about 11 s).
DEFAULT_REPLAY_TIMEOUT_SECONDS = 3600.0


class ReplayFailed(Exception):
    """The replay could not finish; the message says why and what to do."""


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] != ["replay"]:
        run(DEFINITION, args)
        return
    parser = argparse.ArgumentParser(prog="hubs-reporting replay")
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_REPLAY_TIMEOUT_SECONDS,
        help="seconds to wait for the replay to catch up before giving up (default %(default)s)",
    )
    options = parser.parse_args(args[1:])
    settings = Settings.from_env(DEFINITION.name)
    configure_logging(DEFINITION.name, settings.hub_id, settings.log_level)
    try:
        check_replayable(settings)
        wiring = DEFINITION.bootstrap(settings)
        replay(
            lambda stop: start_worker(DEFINITION, settings, stop, wiring),
            caught_up_with_topics(settings, wiring),
            stop=StopSignal().install(),
            timeout=options.timeout,
        )
    except ReplayFailed as failed:
        log.error("replay failed: %s", failed)
        print(f"hubs-reporting replay: {failed}", file=sys.stderr)
        raise SystemExit(1) from None
    log.info("replay caught up")


def check_replayable(settings: Settings) -> None:
    """A replay needs hub mode and a generation of its own: without one its consumers would
    carry on from the lost database's offsets and the new schema would stay empty."""
    if settings.reporting_mode != "hub":
        raise ReplayFailed("replay rebuilds a hub's figures: HUBS_REPORTING_MODE must be 'hub'")
    if not settings.extra.get("HUBS_REPORTING_GENERATION", "").strip():
        raise ReplayFailed(
            "set HUBS_REPORTING_GENERATION to a value never used before, so that the consumers "
            "read every topic again from the earliest offset"
        )


def replay(
    start: Callable[[StopSignal], list[threading.Thread]],
    caught_up: Callable[[], bool],
    *,
    stop: StopSignal | None = None,
    timeout: float = DEFAULT_REPLAY_TIMEOUT_SECONDS,
    poll_seconds: float = 1.0,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Run the worker's consumers until `caught_up()`, then stop them and wait for them to end."""
    stop = stop or StopSignal()
    threads = start(stop)
    deadline = clock() + timeout
    try:
        while not caught_up():
            if stop.stopping:
                raise ReplayFailed("stopped before it caught up; run it again to carry on")
            if any(not thread.is_alive() for thread in threads):
                raise ReplayFailed("a consumer ended before the replay caught up (see the log above)")
            if clock() > deadline:
                raise ReplayFailed(f"not caught up within {timeout:g} s; run it again to carry on")
            stop.wait(poll_seconds)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)


def caught_up_with_topics(settings: Settings, wiring) -> Callable[[], bool]:
    """True once the replay's consumer group has committed, on every partition of the hub's
    topics, the end offset of when the replay started, and no period waits to be computed."""
    (spec,) = DEFINITION.consumers(wiring)
    group = f"{settings.topic_prefix}{settings.hub_id}.{DEFINITION.name}.{spec.name}"
    # Reads the group's committed offsets only: it never joins the group nor commits.
    offsets = KafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=group,
        enable_auto_commit=False,
        **settings.kafka_security.client_config(),
    )
    partitions = [
        TopicPartition(topic, p) for topic in spec.topics for p in sorted(offsets.partitions_for_topic(topic) or ())
    ]
    ends = dict(offsets.end_offsets(partitions)) if partitions else {}

    def caught_up() -> bool:
        behind = sum(max(0, end - (offsets.committed(tp) or 0)) for tp, end in ends.items())
        if behind > 0:
            log.info("replaying", extra={"events_behind": behind})
            return False
        return periods_waiting(wiring.engine) == 0

    return caught_up


def periods_waiting(engine) -> int:
    """Periods still to compute, or computed with their report not yet queued. Counted without
    the claim the worker takes (`FigureRepository.stale` skips a period being computed)."""
    with engine.connect() as conn:
        stale = conn.execute(select(func.count()).select_from(orm.stale_periods)).scalar_one()
        due = conn.execute(
            select(func.count()).select_from(orm.period_reports).where(orm.period_reports.c.pending.is_(True))
        ).scalar_one()
    return stale + due
