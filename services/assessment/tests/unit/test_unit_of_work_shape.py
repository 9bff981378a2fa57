"""The handlers of the the assessment service ask of a unit of work only what `AssessmentUow` names: its
repositories, its outbox, commit and rollback. The unit tests' in-memory one offers all of it."""

from __future__ import annotations

from hubs.assessment.service_layer.unit_of_work import AssessmentUow

from .test_assessment_handlers import FakeUnitOfWork


def test_the_in_memory_unit_of_work_offers_what_the_handlers_ask_of_one():
    assert isinstance(FakeUnitOfWork(), AssessmentUow)
