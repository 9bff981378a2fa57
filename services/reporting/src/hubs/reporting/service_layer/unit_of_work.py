"""The reporting service's unit of work."""

from sqlalchemy.orm import Session

from hubs.reporting.adapters.national_repository import NationalReportRepository
from hubs.reporting.adapters.repository import (
    ActivityRepository,
    CaseFactsRepository,
    FigureRepository,
    QuarantineRepository,
    SicknessAbsenceRepository,
    SignOffRepository,
)
from hubs.runtime.unit_of_work import UnitOfWork


class ReportingUnitOfWork(UnitOfWork):
    figures: FigureRepository
    cases: CaseFactsRepository
    activities: ActivityRepository
    sickness: SicknessAbsenceRepository
    national: NationalReportRepository
    quarantine: QuarantineRepository
    sign_offs: SignOffRepository

    def _open(self, session: Session) -> None:
        self.figures = FigureRepository(session)
        self.cases = CaseFactsRepository(session)
        self.activities = ActivityRepository(session)
        self.sickness = SicknessAbsenceRepository(session)
        self.national = NationalReportRepository(session)
        self.quarantine = QuarantineRepository(session)
        self.sign_offs = SignOffRepository(session)

    def commit(self) -> None:
        # Facts and marks of the transaction are written together, just before it commits.
        self.cases.flush()
        self.figures.flush()
        super().commit()
