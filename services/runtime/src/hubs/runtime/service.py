"""What a service tells the runtime about itself, so that `api`, `worker`, `relay` and
`migrate` are the same commands in every service."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from kafka.consumer.fetcher import ConsumerRecord
from sqlalchemy import Engine, Table

from hubs.contracts import spec_for, topics
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
    # Checks each message as it came (and may give the envelope it read, so it is not read twice),
    # and is told of each one dead-lettered (see EventConsumer).
    verify: Callable[[ConsumerRecord], Mapping[str, Any] | None] | None = None
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


HandlerTable = Mapping[str, Handler]


@dataclass(frozen=True)
class Consumes:
    """One consumer of a service's worker, declared once: the worker's consumer group and the
    AsyncAPI document's receive operations are both made from it, so the events it is said to
    take are the keys of its handler table and nothing else.

    `reads` names the producing services whose hub topics it reads (topics.NATIONAL for the
    national topic). `handlers` is the handler table, or a function of the running service's
    wiring giving it; that function is also called with None, to describe the consumer without
    starting anything (the handlers are then never called). A table shared by consumers of
    different topics gives each consumer the events of its own topics."""

    name: str
    reads: tuple[str, ...]
    handlers: HandlerTable | Callable[[Wiring | None], HandlerTable]
    summary: str

    def __post_init__(self) -> None:
        unknown = [r for r in self.reads if r not in (*topics.SERVICES, topics.NATIONAL)]
        if not self.reads or unknown:
            raise ValueError(f"consumer {self.name}: reads {unknown or 'nothing'}, not services' topics")

    def table(self, wiring: Wiring | None = None) -> dict[str, Handler]:
        """Every handler of its table, by event type, as given (before keeping those it reads)."""
        table = self.handlers(wiring) if callable(self.handlers) else self.handlers
        return dict(table)

    def handler_table(self, wiring: Wiring | None = None) -> dict[str, Handler]:
        """The handlers of the events that come on the topics it reads."""
        return {event_type: h for event_type, h in self.table(wiring).items() if self.carries(event_type)}

    def event_types(self) -> tuple[str, ...]:
        """The event types it takes, sorted."""
        return tuple(sorted(self.handler_table()))

    def carries(self, event_type: str) -> bool:
        """Whether the topics it reads carry `event_type` (an event type no contract has is refused)."""
        try:
            spec = spec_for(event_type)
        except KeyError:
            raise ValueError(f"consumer {self.name} has a handler for {event_type}, which no contract has") from None
        return (topics.NATIONAL if spec.national else spec.service) in self.reads

    def topics(self, settings: Settings) -> list[str]:
        """The topics it reads for the hub of `settings`."""
        return [
            settings.national_topic
            if read == topics.NATIONAL
            else topics.hub_topic(settings.hub_id, read, prefix=settings.topic_prefix)
            for read in self.reads
        ]

    def spec(
        self,
        wiring: Wiring,
        *,
        name: str | None = None,
        topics: list[str] | None = None,
        **hooks: Any,
    ) -> ConsumerSpec:
        """The consumer group the worker runs: its own name and topics unless given others (e.g. a
        neighbouring hub's topic of the same service), with the hooks of ConsumerSpec."""
        handlers = self.handler_table(wiring)
        if not handlers:
            raise ValueError(f"consumer {self.name} has no handler for anything it reads")
        return ConsumerSpec(name or self.name, topics or self.topics(wiring.settings), handlers, **hooks)


def unread_handlers(declared: Sequence[Consumes]) -> list[str]:
    """`consumer: event type` for every handler of a service's consumers that none of them takes:
    no topic they read carries its event, so it would never be called."""
    taken = {event_type for consumer in declared for event_type in consumer.event_types()}
    return [
        f"{consumer.name}: {event_type}"
        for consumer in declared
        for event_type in sorted(consumer.table())
        if event_type not in taken
    ]


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
