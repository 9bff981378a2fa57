"""The in-memory unit of work that services' unit tests use behaves as the database's does where
handlers rely on it: nothing is kept, and nothing is sent, unless the handler commits; and the new
events of the aggregates its repositories saw are sent at commit, once."""

from __future__ import annotations

from dataclasses import dataclass, field

from hubs.contracts import spec_for
from hubs.contracts.examples import example_envelope
from hubs.runtime import fakes

CONTACT = example_envelope(spec_for("FirstContactMade"))["data"]


@dataclass
class Opened:
    event_type = "FirstContactMade"
    contacted_at: str

    def to_data(self):
        return {**CONTACT, "contacted_at": self.contacted_at}


@dataclass
class Door:
    door_id: str
    case_id: str = "9a0d0f62-1d3c-4f55-8f43-5d6c2c9ad111"
    is_open: bool = False
    events: list = field(default_factory=list)

    def open(self, at: str) -> None:
        self.is_open = True
        self.events.append(Opened(at))


class FakeDoors:
    def __init__(self):
        self.rows = {}

    def add(self, door):
        self.rows[door.door_id] = door

    save = add

    def get(self, door_id):
        return self.rows.get(door_id)


class DoorsUnitOfWork(fakes.FakeUnitOfWork):
    collects_events = True

    def __init__(self):
        super().__init__(doors=FakeDoors())


def open_door(uow, door_id: str, *, commit: bool) -> None:
    with uow:
        uow.doors.get(door_id).open("2026-11-02T09:00:00+00:00")
        if commit:
            uow.commit()


def test_a_change_not_committed_is_not_kept_and_its_events_are_not_sent():
    uow = DoorsUnitOfWork()
    uow.doors.add(Door("front"))

    open_door(uow, "front", commit=False)

    assert not uow.doors.get("front").is_open and uow.outbox.events == []


def test_a_committed_change_is_kept_and_its_aggregates_events_are_sent_once():
    uow = DoorsUnitOfWork()
    uow.doors.add(Door("front"))

    open_door(uow, "front", commit=True)
    with uow:
        uow.commit()  # nothing new: nothing sent again

    assert uow.doors.get("front").is_open
    assert uow.outbox.types() == ["FirstContactMade"]
    [(_, data, case_id)] = uow.outbox.events
    assert data["contacted_at"] == "2026-11-02T09:00:00+00:00" and case_id == Door("x").case_id


def test_events_added_to_the_outbox_by_hand_wait_for_the_commit_too():
    uow = DoorsUnitOfWork()
    with uow:
        uow.outbox.add("FirstContactMade", CONTACT, case_id=Door("x").case_id)

    assert uow.outbox.events == []
