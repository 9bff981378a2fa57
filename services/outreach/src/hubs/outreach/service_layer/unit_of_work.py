"""The outreach service's unit of work."""

from sqlalchemy.orm import Session

from hubs.outreach.adapters.repository import OutreachEventRepository
from hubs.runtime.unit_of_work import UnitOfWork


class OutreachUnitOfWork(UnitOfWork):
    outreach_events: OutreachEventRepository

    def _open(self, session: Session) -> None:
        self.outreach_events = OutreachEventRepository(session)
