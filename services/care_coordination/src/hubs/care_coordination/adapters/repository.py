"""Storing and loading cases, onward referrals, the directory, monitoring plans, case
activities and service-user feedback."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from hubs.care_coordination.adapters.orm import (
    case_activities,
    cases,
    directory_services,
    feedback_links,
    monitoring_plans,
    onward_referrals,
    service_user_feedback,
)
from hubs.care_coordination.domain.directory import Competency, DirectoryService
from hubs.care_coordination.domain.feedback_links import FeedbackLink
from hubs.care_coordination.domain.model import Case, MonitoringPlan, OnwardReferral
from hubs.contracts import codes


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, frozenset | set):
        return sorted(_plain(v) for v in value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _values(thing: object, table: Table) -> dict[str, Any]:
    """The columns of `table` from the same-named attributes of a domain object."""
    return {c.name: _plain(getattr(thing, c.name)) for c in table.columns if hasattr(thing, c.name)}


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; every time the hub stores is UTC.
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def _maybe(kind: Callable[[Any], Any], value: Any) -> Any:
    return kind(value) if value is not None else None


class _Table:
    table: Table
    key: str

    def __init__(self, session: Session):
        self._session = session

    def _insert(self, thing: object) -> None:
        self._session.execute(insert(self.table).values(**_values(thing, self.table)))

    def _update(self, thing: object) -> None:
        values = _values(thing, self.table)
        key = values.pop(self.key)
        self._session.execute(update(self.table).where(self.table.c[self.key] == key).values(**values))

    def _one(self, key: uuid.UUID):
        return self._session.execute(select(self.table).where(self.table.c[self.key] == key)).first()


class CaseRepository(_Table):
    """Cases of this hub, as care co-ordination knows them."""

    table, key = cases, "case_id"
    add, save = _Table._insert, _Table._update

    def get(self, case_id: uuid.UUID) -> Case | None:
        row = self._one(case_id)
        if row is None:
            return None
        return Case(
            case_id=row.case_id,
            opened_at=_aware(row.opened_at),
            urgency=codes.Urgency(row.urgency),
            status=row.status,
            competencies_wanted=frozenset(Competency(c) for c in row.competencies_wanted),
            assessment_id=row.assessment_id,
            measures_taken=tuple(codes.Measure(m) for m in row.measures_taken),
            occupational_health_consent_recorded_at=_aware(row.occupational_health_consent_recorded_at),
            closed_at=_aware(row.closed_at),
            closure_reason=_maybe(codes.ClosureReason, row.closure_reason),
            feedback_link_given=bool(row.feedback_link_given),
        )


class OnwardReferralRepository(_Table):
    """Onward referrals of this hub's cases."""

    table, key = onward_referrals, "onward_referral_id"
    add, save = _Table._insert, _Table._update

    def get(self, onward_referral_id: uuid.UUID) -> OnwardReferral | None:
        row = self._one(onward_referral_id)
        return _to_onward_referral(row) if row else None

    def for_case(self, case_id: uuid.UUID) -> list[OnwardReferral]:
        query = select(onward_referrals).where(onward_referrals.c.case_id == case_id)
        return [_to_onward_referral(r) for r in self._session.execute(query.order_by(onward_referrals.c.made_on))]

    def waiting(self) -> list[OnwardReferral]:
        """Every onward referral still waiting for treatment to start, longest wait first."""
        query = select(onward_referrals).where(onward_referrals.c.status.in_(OnwardReferral.WAITING))
        return [_to_onward_referral(r) for r in self._session.execute(query.order_by(onward_referrals.c.made_on))]


def _to_onward_referral(row) -> OnwardReferral:
    return OnwardReferral(
        onward_referral_id=row.onward_referral_id,
        case_id=row.case_id,
        service_type=codes.ServiceType(row.service_type),
        made_on=row.made_on,
        status=row.status,
        target_wait_days=row.target_wait_days,
        directory_service_id=row.directory_service_id,
        assessment_id=row.assessment_id,
        urgency=_maybe(codes.Urgency, row.urgency),
        accepted_on=row.accepted_on,
        expected_start_on=row.expected_start_on,
        declined_on=row.declined_on,
        decline_reason=_maybe(codes.OnwardReferralDeclineReason, row.decline_reason),
        started_on=row.started_on,
        ended_on=row.ended_on,
        end_reason=_maybe(codes.TreatmentEndReason, row.end_reason),
        escalated_on=row.escalated_on,
        contingency=_maybe(codes.ContingencyAction, row.contingency),
    )


class DirectoryRepository(_Table):
    """The hub's service directory."""

    table, key = directory_services, "directory_service_id"
    add, save = _Table._insert, _Table._update

    def get(self, directory_service_id: uuid.UUID) -> DirectoryService | None:
        row = self._one(directory_service_id)
        return _to_directory_service(row) if row else None

    def all(self) -> list[DirectoryService]:
        rows = self._session.execute(select(directory_services).order_by(directory_services.c.name))
        return [_to_directory_service(r) for r in rows]


def _to_directory_service(row) -> DirectoryService:
    return DirectoryService(
        directory_service_id=row.directory_service_id,
        name=row.name,
        service_type=codes.ServiceType(row.service_type),
        target_wait_days=row.target_wait_days,
        how_to_refer=row.how_to_refer,
        competencies=frozenset(Competency(c) for c in row.competencies),
        languages=tuple(row.languages),
        active=row.active,
        contact=row.contact,
    )


class MonitoringPlanRepository(_Table):
    """Monitoring plans of this hub's cases."""

    table, key = monitoring_plans, "monitoring_plan_id"
    add, save = _Table._insert, _Table._update

    def get(self, monitoring_plan_id: uuid.UUID) -> MonitoringPlan | None:
        row = self._one(monitoring_plan_id)
        return _to_plan(row) if row else None

    def for_case(self, case_id: uuid.UUID) -> list[MonitoringPlan]:
        query = select(monitoring_plans).where(monitoring_plans.c.case_id == case_id)
        return [_to_plan(r) for r in self._session.execute(query.order_by(monitoring_plans.c.started_on))]

    def active_due_by(self, today: date) -> list[MonitoringPlan]:
        query = select(monitoring_plans).where(
            monitoring_plans.c.ended_on.is_(None), monitoring_plans.c.next_due_on <= today
        )
        return [_to_plan(r) for r in self._session.execute(query)]


def _to_plan(row) -> MonitoringPlan:
    return MonitoringPlan(
        monitoring_plan_id=row.monitoring_plan_id,
        case_id=row.case_id,
        started_on=row.started_on,
        review_interval_days=row.review_interval_days,
        measures=tuple(codes.Measure(m) for m in row.measures),
        next_due_on=row.next_due_on,
        planned_end_on=row.planned_end_on,
        ended_on=row.ended_on,
    )


class ActivityRepository:
    """Signposting, Occupational Health liaison and follow-ups asked for, per case."""

    def __init__(self, session: Session):
        self._session = session

    def add(self, case_id: uuid.UUID, kind: str, on_date: date, detail: dict[str, Any], activity_id=None) -> None:
        self._session.execute(
            insert(case_activities).values(
                activity_id=activity_id or uuid.uuid4(),
                case_id=case_id,
                kind=kind,
                on_date=on_date,
                detail={k: _plain(str(v) if isinstance(v, uuid.UUID) else v) for k, v in detail.items()},
            )
        )

    def for_case(self, case_id: uuid.UUID) -> list[dict[str, Any]]:
        query = select(case_activities).where(case_activities.c.case_id == case_id).order_by(case_activities.c.on_date)
        return [dict(r._mapping) for r in self._session.execute(query)]


class FeedbackRepository:
    """Anonymous service-user feedback; comments stay here."""

    def __init__(self, session: Session):
        self._session = session

    def add(self, feedback: dict[str, Any]) -> None:
        self._session.execute(insert(service_user_feedback).values(**{k: _plain(v) for k, v in feedback.items()}))

    def all(self) -> list[dict[str, Any]]:
        query = select(service_user_feedback).order_by(service_user_feedback.c.given_on)
        return [
            dict(r._mapping)
            | {"stage": codes.FeedbackStage(r.stage), "overall_experience": codes.FeedbackRating(r.overall_experience)}
            for r in self._session.execute(query)
        ]


class FeedbackLinkRepository:
    """One-use feedback links, by their token's hash."""

    def __init__(self, session: Session):
        self._session = session

    def add(self, link: FeedbackLink) -> None:
        self._session.execute(insert(feedback_links).values(**_values(link, feedback_links)))

    def use(self, token_hash: str, today: date) -> bool:
        """Mark the link used if it is usable today; whether it was. One statement, so that two
        people sending the same link at once cannot both use it."""
        found = self._session.execute(
            update(feedback_links)
            .where(
                feedback_links.c.token_hash == token_hash,
                feedback_links.c.used.is_(False),
                feedback_links.c.expires_on >= today,
            )
            .values(used=True)
        )
        return found.rowcount == 1
