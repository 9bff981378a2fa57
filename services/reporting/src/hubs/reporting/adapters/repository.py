"""Storing figures and reports."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from hubs.reporting.adapters.orm import national_reports, period_figures, period_reports


class FigureRepository:
    """Per-period figures of this hub and the versions of the reports sent for them."""

    def __init__(self, session: Session):
        self._session = session

    def add(self, period_type: str, period: str, figure: str, delta: int) -> None:
        t = period_figures
        key = (t.c.period_type == period_type) & (t.c.period == period) & (t.c.figure == figure)
        done = self._session.execute(update(t).where(key).values(value=t.c.value + delta))
        if done.rowcount == 0:
            self._session.execute(insert(t).values(period_type=period_type, period=period, figure=figure, value=delta))
        self._mark_pending(period_type, period)

    def _mark_pending(self, period_type: str, period: str) -> None:
        t = period_reports
        key = (t.c.period_type == period_type) & (t.c.period == period)
        done = self._session.execute(update(t).where(key).values(pending=True))
        if done.rowcount == 0:
            self._session.execute(
                insert(t).values(period_type=period_type, period=period, report_version=0, pending=True)
            )

    def figures(self, period_type: str, period: str) -> dict[str, int]:
        t = period_figures
        rows = self._session.execute(
            select(t.c.figure, t.c.value).where(t.c.period_type == period_type, t.c.period == period)
        ).all()
        return {r.figure: r.value for r in rows}

    def pending_reports(self, limit: int = 100) -> list[tuple[str, str, int]]:
        """(period type, period, last version sent) of reports whose figures changed."""
        t = period_reports
        rows = self._session.execute(
            select(t.c.period_type, t.c.period, t.c.report_version)
            .where(t.c.pending.is_(True))
            .order_by(t.c.period_type, t.c.period)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        return [(r.period_type, r.period, r.report_version) for r in rows]

    def report_sent(self, period_type: str, period: str, version: int) -> None:
        t = period_reports
        self._session.execute(
            update(t)
            .where(t.c.period_type == period_type, t.c.period == period)
            .values(report_version=version, pending=False)
        )


class NationalReportRepository:
    """The newest report of every hub for every period (national mode)."""

    def __init__(self, session: Session):
        self._session = session

    def keep_if_newer(self, report: dict[str, Any]) -> bool:
        t = national_reports
        key = (
            (t.c.hub_id == report["hub_id"])
            & (t.c.period_type == report["period_type"])
            & (t.c.period == report["period"])
        )
        values = {
            "region": report["region"],
            "report_version": report["report_version"],
            "figures": report["figures"],
            "received_at": datetime.now(UTC),
        }
        current = self._session.execute(select(t.c.report_version).where(key)).scalar_one_or_none()
        if current is None:
            self._session.execute(
                insert(t).values(
                    hub_id=report["hub_id"], period_type=report["period_type"], period=report["period"], **values
                )
            )
            return True
        if report["report_version"] <= current:
            return False  # an older or repeated version: the newest one wins
        self._session.execute(update(t).where(key).values(**values))
        return True

    def for_period(self, period_type: str, period: str) -> list[dict[str, Any]]:
        t = national_reports
        rows = self._session.execute(
            select(t).where(t.c.period_type == period_type, t.c.period == period).order_by(t.c.region, t.c.hub_id)
        ).all()
        return [dict(r._mapping) for r in rows]
