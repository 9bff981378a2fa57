"""Fakes of the referral service's own ports (repository, outbox, unit of work) for unit tests."""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from hubs.referral.domain.model import OPEN_STATUSES, Referral
from hubs.runtime import fakes


class FakeReferrals:
    def __init__(self):
        self.rows: dict[uuid.UUID, Referral] = {}
        self.sealed: dict[uuid.UUID, tuple[bytes | None, bytes | None]] = {}
        self.keys: dict[str, uuid.UUID] = {}
        self.links: list[tuple[uuid.UUID, Any, datetime, bytes | None]] = []
        self.link_ids: list[uuid.UUID] = []
        self.transfers: list[dict] = []
        self.audits: list[dict] = []
        self.concerns: list[dict] = []
        self.facts: dict[uuid.UUID, dict] = {}
        self.stored = []  # (referral, sealed personal, sealed consent) as added
        self.received = []  # each intake's writes of both outcomes, as offered
        self.outbox = None  # the unit of work's, where an intake's kept events go
        self.held: list[list[str]] = []  # person keys held, in order
        self.looked_up_after_hold: list[bool] = []
        self.notifications: dict[tuple, dict] = {}  # (referral, reason, channel) -> sent_at, attempts, last_error

    def add(self, referral, sealed_personal, sealed_consent, person_keys=None):
        self.stored.append((referral, sealed_personal, sealed_consent))
        self.rows[referral.referral_id] = copy.deepcopy(referral)
        self.rows[referral.referral_id].events = []
        self.sealed[referral.referral_id] = (sealed_personal, sealed_consent)
        for key in person_keys or []:
            self.keys[key] = referral.referral_id

    def get(self, referral_id, for_update=False):
        found = self.rows.get(referral_id)
        return copy.deepcopy(found) if found else None

    def referral_id_of_case(self, case_id):
        return next((r.referral_id for r in self.rows.values() if r.case_id == case_id), None)

    def save(self, referral, **facts):
        stored = copy.deepcopy(referral)
        stored.events = []
        self.rows[referral.referral_id] = stored
        self.facts.setdefault(referral.referral_id, {}).update(facts)

    def hold_person(self, person_keys):
        self.held.append(list(person_keys))

    def hold_and_find(self, person_keys):
        self.hold_person(person_keys)
        return self.open_referral_of(person_keys)

    def open_referral_of(self, person_keys):
        self.looked_up_after_hold.append(bool(self.held) and self.held[-1] == list(person_keys))
        for key in person_keys:
            found = self.rows.get(self.keys.get(key))
            if found and found.status in OPEN_STATUSES:
                return copy.deepcopy(found)
        return None

    def receive(self, intake):
        """Both outcomes offered, the one that applies kept, as the database's single statement does."""
        self.received.append(intake)
        submission = intake.submission
        if intake.linked_to is None:
            self.add(submission, intake.sealed_personal, intake.sealed_account, intake.person_keys)
        else:
            self.links.append((intake.linked_to, submission.source, submission.received_at, intake.sealed_account))
            self.link_ids.append(submission.referral_id)
        if intake.urgency_of is not None:
            stored = self.rows[intake.urgency_of.referral_id]
            stored.urgency, stored.first_contact_due_by = (
                intake.urgency_of.urgency,
                intake.urgency_of.first_contact_due_by,
            )
        for row, kept in intake.outbox_rows:
            if kept:
                self.outbox.add(**row)

    def linked(self, referral_id):
        return [
            {"link_id": i, "source": s.value, "received_at": at, "sealed": sealed}
            for i, (r, s, at, sealed) in zip(self.link_ids, self.links, strict=True)
            if r == referral_id
        ]

    def awaiting_first_contact(self):
        return [copy.deepcopy(r) for r in self.rows.values() if r.status == "awaiting-first-contact"]

    def open_referrals(self, wanted, *, offset=0, limit=25, among=None):
        """Open referrals as the database's repository filters them (the fields the unit tests use)."""
        found = [
            r
            for r in sorted(self.rows.values(), key=lambda r: r.received_at, reverse=True)
            if r.status in wanted.statuses
            and (among is None or r.referral_id in among)
            and (wanted.assigned_to is None or r.assigned_to == wanted.assigned_to)
            and not (wanted.unassigned and r.assigned_to is not None)
            and (wanted.urgency is None or r.urgency is wanted.urgency)
        ]
        return [copy.deepcopy(r) for r in found[offset : offset + limit]], len(found)

    def open_referrals_of(self, person_keys):
        return [self.keys[k] for k in person_keys if k in self.keys and self.rows[self.keys[k]].status in OPEN_STATUSES]

    def sealed_details_of_open(self, limit):
        open_ = [r for r in self.rows.values() if r.status in OPEN_STATUSES]
        newest = sorted(open_, key=lambda r: r.received_at, reverse=True)[:limit]
        return [(r.referral_id, self.sealed[r.referral_id][0]) for r in newest if self.sealed[r.referral_id][0]]

    def sealed_personal(self, referral_id):
        return self.sealed.get(referral_id, (None, None))

    def record_transfer(self, **values):
        self.transfers.append(values)

    def transfer_known(self, transfer_id):
        return any(t["transfer_id"] == transfer_id for t in self.transfers)

    def audit(self, **values):
        self.audits.append({**values, "at": datetime.now(UTC)})

    def audit_records(self, **filters):
        return list(self.audits)

    def add_concern(self, referral_id, raised_by, sealed):
        concern_id = uuid.uuid4()
        self.concerns.append(
            {"concern_id": concern_id, "referral_id": referral_id, "raised_by": raised_by, "sealed": sealed,
             "raised_at": datetime.now(UTC)}
        )  # fmt: skip
        return concern_id

    def concerns_of(self, referral_id):
        return [c for c in self.concerns if c["referral_id"] == referral_id]

    def closed_before(self, cutoff):
        return [r.referral_id for r in self.rows.values() if r.closed_at and r.closed_at < cutoff and not r.erased_at]

    def claim_notification(self, referral_id, reason, channel):
        row = self.notifications.setdefault(
            (referral_id, reason, channel), {"sent_at": None, "attempts": 0, "last_error": None}
        )
        return dict(row)

    def notification_done(self, referral_id, reason, channel, *, sent_at, error):
        row = self.notifications[(referral_id, reason, channel)]
        row.update(sent_at=sent_at, attempts=row["attempts"] + 1, last_error=error)

    def reseal_all(self, reseal):
        """Every sealed value passed through `reseal`, as the database's repository does; how many."""
        done = 0
        for referral_id, pair in self.sealed.items():
            self.sealed[referral_id] = tuple(reseal(v) if v is not None else None for v in pair)
            done += sum(v is not None for v in pair)
        for concern in self.concerns:
            concern["sealed"], done = reseal(concern["sealed"]), done + 1
        self.links = [(r, s, at, reseal(sealed) if sealed else None) for r, s, at, sealed in self.links]
        return done + sum(1 for *_, sealed in self.links if sealed)

    def erase_personal_data(self, referral_id, at):
        self.sealed[referral_id] = (None, None)
        self.links = [(r, s, at, None if r == referral_id else sealed) for r, s, at, sealed in self.links]
        self.keys = {k: v for k, v in self.keys.items() if v != referral_id}
        self.rows[referral_id].erased_at = at


class FakeUnitOfWork(fakes.FakeUnitOfWork):
    """The database's unit of work in memory: a referral's new events go out at commit, or with
    the intake's writes, kept or not with the outcome they belong to."""

    collects_events = True

    def __init__(self, referrals: FakeReferrals | None = None):
        referrals = referrals or FakeReferrals()
        super().__init__(fakes.FakeOutbox("hub-a", "referral@hub-a"), referrals=referrals)
        referrals.outbox = self.outbox

    def consume(self, handler, envelope, *args):
        """Run an event handler as the worker's consumer does: inside its unit of work, which commits."""
        with self:
            handler(envelope, self, *args)
            self.commit()


@pytest.fixture
def new_uow() -> type[FakeUnitOfWork]:
    """Make fake units of work: `uow = new_uow()`."""
    return FakeUnitOfWork
