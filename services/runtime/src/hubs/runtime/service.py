"""What a service tells the runtime about itself, so that `api`, `worker`, `relay` and
`migrate` are the same commands in every service."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from kafka.consumer.fetcher import ConsumerRecord
from sqlalchemy import Engine, Table

from hubs.runtime.consumer import BatchPreparer, Handler
from hubs.runtime.db import make_engine, make_session_factory, ping
from hubs.runtime.settings import Settings
from hubs.runtime.unit_of_work import UnitOfWork


@dataclass
class ConsumerSpec:
    """One consumer group of a service's worker: what it reads and how it applies it."""

    name: str
    topics: list[str]
    handlers: Mapping[str, Handler]
    # Called after each batch with whether the consumer has caught up with its partitions.
    after_batch: Callable[[bool], None] | None = None
    # Called about once a second while idle, e.g. to publish reports that are due.
    on_idle: Callable[[], None] | None = None
    # Loads what a batch's handlers will read, in one query (see EventConsumer).
    prepare_batch: BatchPreparer | None = None
    # Checks each message as it came, and is told of each one dead-lettered (see EventConsumer).
    verify: Callable[[ConsumerRecord], None] | None = None
    dead_lettered: Callable[[ConsumerRecord, BaseException], None] | None = None


@dataclass
class Wiring:
    """The parts of a running service, built once per process by its bootstrap."""

    settings: Settings
    engine: Engine
    uow_factory: Callable[[], UnitOfWork]
    outbox_table: Table
    processed_table: Table
    extras: dict[str, object] = field(default_factory=dict)

    def readiness_checks(self) -> dict[str, Callable[[], None]]:
        """What an API needs to answer: its database. Not Kafka: what the API writes waits in the
        outbox while the broker is away, so taking the API out of traffic would only refuse staff."""
        return {"database": lambda: ping(self.engine)}


@dataclass
class ServiceDefinition:
    """A service as the command line sees it."""

    name: str
    migrations_dir: Path
    bootstrap: Callable[[Settings], Wiring]
    create_app: Callable[[Wiring], Flask]
    consumers: Callable[[Wiring], list[ConsumerSpec]]
    produced_topics: Callable[[Settings], list[str]]
    # route(topic) -> "national" sends that topic through the national cluster's producer.
    route: Callable[[str], str] | None = None
    # message_headers(wiring) -> headers(topic, value): headers the relay adds to a message
    # (e.g. a signature); built when the relay starts, so a missing key stops it there.
    message_headers: Callable[[Wiring], Callable[[str, bytes], list[tuple[str, bytes]]]] | None = None


def standard_wiring(settings: Settings, uow_class: type[UnitOfWork], outbox: Table, processed: Table) -> Wiring:
    """Engine, sessions and unit of work the usual way."""
    engine = make_engine(settings)
    sessions = make_session_factory(engine)
    return Wiring(
        settings=settings,
        engine=engine,
        uow_factory=lambda: uow_class(sessions, outbox, processed, settings),
        outbox_table=outbox,
        processed_table=processed,
    )


def migrations_dir(bootstrap_file: str) -> Path:
    """A service's Alembic folder: inside the installed package, or beside `src/` in a checkout."""
    here = Path(bootstrap_file).parent
    installed = here / "migrations"
    return installed if installed.exists() else here.parents[2] / "migrations"
