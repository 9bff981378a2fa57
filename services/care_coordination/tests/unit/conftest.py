"""Fakes of the care-coordination service's ports, for unit tests through the handlers."""

from __future__ import annotations

import copy
import dataclasses
from datetime import date

import pytest

from hubs.care_coordination.domain.model import OnwardReferral
from hubs.care_coordination.service_layer.unit_of_work import WITH_EVENTS, WrittenWhenHandedBack, write_new_events
from hubs.runtime import fakes


class _ById:
    key = ""

    def __init__(self):
        self.by_id = {}

    def add(self, thing):
        stored = copy.copy(thing)
        stored.events = []
        self.by_id[getattr(thing, self.key)] = stored

    save = add

    def get(self, key):
        found = self.by_id.get(key)
        return copy.copy(found) if found is not None else None

    def for_case(self, case_id):
        return [copy.copy(t) for t in self.by_id.values() if t.case_id == case_id]

    def all(self):
        return [copy.copy(t) for t in self.by_id.values()]


class FakeCases(_ById):
    key = "case_id"


class FakeOnwardReferrals(_ById):
    key = "onward_referral_id"

    def waiting(self):
        return [copy.copy(r) for r in self.by_id.values() if r.status in OnwardReferral.WAITING]


class FakeDirectory(_ById):
    key = "directory_service_id"

    def add(self, thing):
        self.by_id[thing.directory_service_id] = copy.copy(thing)

    save = add


class FakeMonitoringPlans(_ById):
    key = "monitoring_plan_id"

    def active_due_by(self, today: date):
        return [copy.copy(p) for p in self.by_id.values() if p.ended_on is None and p.next_due_on <= today]


class FakeActivities:
    def __init__(self):
        self.rows = []

    def add(self, case_id, kind, on_date, detail, activity_id=None):
        self.rows.append({"case_id": case_id, "kind": kind, "on_date": on_date, "detail": detail, "id": activity_id})

    def for_case(self, case_id):
        return [r for r in self.rows if r["case_id"] == case_id]


class FakeFeedback:
    def __init__(self):
        self.rows = []

    def add(self, feedback):
        self.rows.append(feedback)

    def all(self):
        return list(self.rows)


class FakeFeedbackLinks:
    def __init__(self):
        self.by_hash = {}

    def add(self, link):
        self.by_hash[link.token_hash] = link

    def use(self, token_hash, today):
        link = self.by_hash.get(token_hash)
        if link is None or link.used or link.expires_on < today:
            return False
        self.by_hash[token_hash] = dataclasses.replace(link, used=True)
        return True


class FakeUnitOfWork(fakes.FakeUnitOfWork):
    """The database's unit of work in memory: an aggregate's new events are written when it is
    handed to its repository, or at commit; nothing is kept, nor sent, without a commit."""

    collects_events = True

    def __init__(self):
        super().__init__(
            fakes.FakeOutbox("test-hub", "care@test-hub"),
            cases=FakeCases(),
            onward_referrals=FakeOnwardReferrals(),
            directory=FakeDirectory(),
            monitoring_plans=FakeMonitoringPlans(),
            activities=FakeActivities(),
            feedback=FakeFeedback(),
            feedback_links=FakeFeedbackLinks(),
        )
        for name in WITH_EVENTS:
            repository = getattr(self, name)
            setattr(self, name, WrittenWhenHandedBack(repository, lambda found: write_new_events(self.outbox, found)))

    def types(self):
        return [t for t, _, _ in self.outbox.events]

    def of_type(self, event_type):
        return [d for t, d, _ in self.outbox.events if t == event_type]


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()
