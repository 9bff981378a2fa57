"""A consumer's applied event ids, on the real PostgreSQL and on SQLite (the laptop demo): an
event is applied once whatever comes again, each consumer keeps its own record, and a replica
applying the same events at the same moment waits for the other, then leaves them alone."""

from __future__ import annotations

import threading
import uuid
from dataclasses import replace

import pytest
from sqlalchemy import MetaData
from sqlalchemy.orm import Session

from hubs.runtime.db import ensure_schema, make_engine
from hubs.runtime.messaging_tables import define_messaging_tables
from hubs.runtime.unit_of_work import ProcessedEvents

pytestmark = pytest.mark.integration

metadata = MetaData()
_outbox, processed = define_messaging_tables(metadata)


def _engine(settings):
    engine = make_engine(settings)
    ensure_schema(engine, settings.database_schema)
    metadata.create_all(engine)
    return engine


@pytest.fixture(params=["postgresql", "sqlite"])
def engine(request, make_settings, tmp_path):
    settings = make_settings("applied-events")
    if request.param == "sqlite":
        settings = replace(settings, database_url=f"sqlite:///{tmp_path}/applied.db", database_schema=None)
    engine = _engine(settings)
    yield engine
    engine.dispose()


@pytest.fixture
def postgres(make_settings):
    """PostgreSQL alone: SQLite has one writer at a time, and the laptop demo runs one replica."""
    engine = _engine(make_settings("applied-events"))
    yield engine
    engine.dispose()


def claim(engine, consumer: str, event_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    with Session(engine) as session:
        fresh = ProcessedEvents(session, processed).claim(consumer, event_ids)
        session.commit()
    return fresh


def test_events_already_applied_are_left_out_and_the_new_ones_given_back(engine):
    applied, new = uuid.uuid4(), uuid.uuid4()
    assert claim(engine, "hub-events", [applied]) == {applied}
    assert claim(engine, "hub-events", [applied, new]) == {new}
    assert claim(engine, "hub-events", [new, applied]) == set()


def test_an_event_twice_in_one_batch_is_given_back_once(engine):
    twice = uuid.uuid4()
    assert claim(engine, "hub-events", [twice, twice]) == {twice}


def test_each_consumer_applies_an_event_for_itself(engine):
    event_id = uuid.uuid4()
    assert claim(engine, "hub-events", [event_id]) == {event_id}
    assert claim(engine, "national-reports", [event_id]) == {event_id}


def test_a_batch_rolled_back_leaves_its_events_to_apply_again(engine):
    event_id = uuid.uuid4()
    with Session(engine) as session:
        assert ProcessedEvents(session, processed).claim("hub-events", [event_id]) == {event_id}
        session.rollback()  # a handler failed: nothing of the batch stays
    assert claim(engine, "hub-events", [event_id]) == {event_id}


def test_a_replica_applying_the_same_events_waits_and_then_leaves_them_alone(postgres):
    engine = postgres
    shared, own = uuid.uuid4(), uuid.uuid4()
    first = Session(engine)
    assert ProcessedEvents(first, processed).claim("hub-events", [shared]) == {shared}
    second: dict[str, set[uuid.UUID]] = {}

    def other_replica() -> None:
        second["fresh"] = claim(engine, "hub-events", [own, shared])

    replica = threading.Thread(target=other_replica)
    replica.start()
    replica.join(timeout=1.0)
    assert replica.is_alive()  # waiting on the first replica's transaction, not guessing
    first.commit()
    first.close()
    replica.join(timeout=30)
    assert second["fresh"] == {own}
