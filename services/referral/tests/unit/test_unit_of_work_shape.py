"""The handlers of the referral service ask of a unit of work only what `ReferralUow` names: its
repositories, its outbox, commit and rollback. The unit tests' in-memory one offers all of it."""

from __future__ import annotations

from hubs.referral.service_layer.unit_of_work import ReferralUow

from .conftest import FakeUnitOfWork


def test_the_in_memory_unit_of_work_offers_what_the_handlers_ask_of_one():
    assert isinstance(FakeUnitOfWork(), ReferralUow)
