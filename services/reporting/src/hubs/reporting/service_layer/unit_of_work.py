"""The reporting service's unit of work."""

from sqlalchemy.orm import Session

from hubs.reporting.adapters.repository import FigureRepository, NationalReportRepository
from hubs.runtime.unit_of_work import UnitOfWork


class ReportingUnitOfWork(UnitOfWork):
    figures: FigureRepository
    national: NationalReportRepository

    def _open(self, session: Session) -> None:
        self.figures = FigureRepository(session)
        self.national = NationalReportRepository(session)
