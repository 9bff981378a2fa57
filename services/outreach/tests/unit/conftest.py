"""Fakes of the outreach service's own ports (repositories, outbox, unit of work), so that unit
tests run through the handlers without a database or a broker."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from hubs.outreach.service_layer.unit_of_work import anonymous_day
from hubs.runtime import fakes
from hubs.runtime.unit_of_work import collect_new_events


class FakeOutbox(fakes.FakeOutbox):
    """Validates every event against its contract, as the real outbox does."""

    def entry(self, envelope, event_type, data, **about):
        return (envelope, about.get("aggregate_id"), about.get("on"))

    @property
    def envelopes(self):
        return self.events

    @property
    def types(self):
        return [e["event_type"] for e, _, _ in self.events]


class Store:
    """An in-memory table keyed by an attribute."""

    def __init__(self, key):
        self.key = key
        self.rows = {}

    def add(self, thing):
        self.rows[getattr(thing, self.key)] = thing

    save = add

    def get(self, key, **_):
        return self.rows.get(key)

    def all(self, *_):
        return list(self.rows.values())


class FakeCampaigns(Store):
    def __init__(self):
        super().__init__("campaign_id")


class FakeEvents(Store):
    def __init__(self):
        super().__init__("outreach_event_id")


class FakeCodes:
    def __init__(self, uow):
        self.uow = uow

    def in_use(self, code):
        return self.owner(code) is not None

    def owner(self, code):
        from hubs.outreach.domain.attribution import CodeOwner

        for e in self.uow.outreach_events.all():
            if e.code == code:
                return CodeOwner(e.campaign_id, e.outreach_event_id)
        for c in self.uow.campaigns.all():
            if c.code == code:
                return CodeOwner(c.campaign_id, None)
        return None


class FakeAttributions(Store):
    def __init__(self):
        super().__init__("referral_id")

    def referrals_by_campaign(self):
        return Counter(a.campaign_id for a in self.all() if a.campaign_id)

    def referrals_by_event(self):
        return Counter(a.outreach_event_id for a in self.all() if a.outreach_event_id)


class FakeTraining(Store):
    def __init__(self):
        super().__init__("training_session_id")
        self.given = []

    def add_feedback(self, feedback):
        self.given.append(feedback)

    def feedback(self, training_session_id=None):
        return [f for f in self.given if training_session_id in (None, f.training_session_id)]


class FakeSurveys(Store):
    def __init__(self):
        super().__init__("survey_id")
        self.tokens = set()
        self.stored = []

    def has_answered(self, survey_id, tokens):
        return any((survey_id, token) in self.tokens for token in tokens)

    def record_answer(self, token, response):
        self.tokens.add((response.survey_id, token))
        self.stored.append(response)

    def reseal_participation(self, survey_id, seal):
        self.tokens = {(s, seal(t)) if s == survey_id else (s, t) for s, t in self.tokens}

    def forget_participation(self, survey_id):
        self.tokens = {t for t in self.tokens if t[0] != survey_id}

    def responses(self, survey_id=None):
        return [r for r in self.stored if survey_id in (None, r.survey_id)]

    def released_responses(self):
        return [r for r in self.stored if self.rows[r.survey_id].status == "closed"]


class FakeTeam(Store):
    def __init__(self):
        super().__init__("member_id")

    def add(self, member):
        # A copy, as the table keeps one: a refused change must leave the stored member as it was.
        self.rows[member.member_id] = replace(member)

    save = add

    def get(self, key, **_):
        found = self.rows.get(key)
        return replace(found) if found else None

    def by_staff_id(self, staff_id):
        return next((m for m in self.rows.values() if m.staff_id == staff_id), None)

    def by_subject(self, subject):
        return next((m for m in self.rows.values() if m.subject == subject), None)


class FakeFeedback:
    def __init__(self):
        self.given = []

    def add(self, feedback):
        self.given.append(feedback)

    def all(self, outreach_event_id=None):
        return [f for f in self.given if outreach_event_id in (None, f.outreach_event_id)]


class FakeUnitOfWork(fakes.FakeUnitOfWork):
    """The database's unit of work in memory: the new events of the aggregates its repositories saw
    go out at commit, anonymous feedback through the day-only outbox."""

    collects_events = True

    def __init__(self):
        super().__init__(
            FakeOutbox("unit-hub", "outreach@unit-hub"),
            outboxes={"anonymous_outbox": FakeOutbox("unit-hub", "outreach@unit-hub")},
            campaigns=FakeCampaigns(),
            outreach_events=FakeEvents(),
            outreach_feedback=FakeFeedback(),
            attributions=FakeAttributions(),
            training=FakeTraining(),
            engagements=Store("engagement_id"),
            supervision=Store("supervision_session_id"),
            check_ins=Store("check_in_id"),
            surveys=FakeSurveys(),
            team=FakeTeam(),
        )
        self.public_codes = FakeCodes(self)

    def commit(self):
        for aggregate, event in collect_new_events(self._seen):
            day, key = anonymous_day(aggregate), getattr(event, "aggregate_id", None)
            if day is None:
                self.outbox.add(event.event_type, event.to_data(), aggregate_id=key)
            else:
                self.anonymous_outbox.add(event.event_type, event.to_data(), aggregate_id=key, on=day)
        super().commit()


@pytest.fixture
def uow():
    return FakeUnitOfWork()
