"""The reporting service's unit of work."""

from __future__ import annotations

from typing import Protocol, Self, runtime_checkable

from sqlalchemy.orm import Session

from hubs.reporting.adapters.national_repository import NationalReportRepository
from hubs.reporting.adapters.period_totals import PeriodTotalsRepository
from hubs.reporting.adapters.repository import (
    ActivityRepository,
    CaseFactsRepository,
    FigureRepository,
    QuarantineRepository,
    SicknessAbsenceRepository,
    SignOffRepository,
)
from hubs.runtime.unit_of_work import Outbox, UnitOfWork


@runtime_checkable
class ReportingUow(Protocol):
    """`with uow: ... uow.commit()` over a hub's reporting repositories; nothing uncommitted is kept."""

    figures: FigureRepository
    cases: CaseFactsRepository
    activities: ActivityRepository
    sickness: SicknessAbsenceRepository
    quarantine: QuarantineRepository
    sign_offs: SignOffRepository
    totals: PeriodTotalsRepository
    outbox: Outbox
    # The national reports are kept by the national instance only: not asked of a hub's.

    def __enter__(self) -> Self: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


class ReportingUnitOfWork(UnitOfWork):
    figures: FigureRepository
    cases: CaseFactsRepository
    activities: ActivityRepository
    sickness: SicknessAbsenceRepository
    national: NationalReportRepository
    quarantine: QuarantineRepository
    sign_offs: SignOffRepository
    totals: PeriodTotalsRepository

    def _open(self, session: Session) -> None:
        self.figures = FigureRepository(session)
        self.cases = CaseFactsRepository(session)
        self.activities = ActivityRepository(session)
        self.sickness = SicknessAbsenceRepository(session)
        self.national = NationalReportRepository(session)
        self.quarantine = QuarantineRepository(session)
        self.sign_offs = SignOffRepository(session)
        self.totals = PeriodTotalsRepository(session)

    def commit(self) -> None:
        # Facts and marks of the transaction are written together, just before it commits.
        self.cases.flush()
        self.activities.flush()
        self.figures.flush()
        self.totals.flush()
        self.national.flush()
        super().commit()
