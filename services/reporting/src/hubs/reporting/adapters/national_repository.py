"""Storing every hub's newest report for every period (national mode)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from hubs.reporting.adapters.orm import national_exact_reads, national_reports


class NationalReportRepository:
    """The newest report of every hub for every period."""

    def __init__(self, session: Session):
        self._session = session

    def version_of(self, hub_id: str, period_type: str, period: str) -> int | None:
        """The version of the hub's report kept for the period (None: none yet)."""
        t = national_reports
        return self._session.execute(
            select(t.c.report_version).where(
                (t.c.hub_id == hub_id) & (t.c.period_type == period_type) & (t.c.period == period)
            )
        ).scalar_one_or_none()

    def keep_if_newer(self, report: dict[str, Any]) -> bool:
        """Keep a report unless the same or a newer version is already kept. True if kept."""
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
            "final": report.get("final"),
            "signed_off": report.get("signed_off"),
            "figures_exact": report.get("figures_exact"),
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

    def for_periods(self, period_type: str, first: str, last: str) -> list[dict[str, Any]]:
        """Reports of every period from `first` to `last` (period names sort in time order)."""
        t = national_reports
        rows = self._session.execute(
            select(t)
            .where(t.c.period_type == period_type, t.c.period >= first, t.c.period <= last)
            .order_by(t.c.period, t.c.region, t.c.hub_id)
        ).all()
        return [dict(r._mapping) for r in rows]

    def last_received(self) -> dict[str, datetime]:
        """When each hub's newest report was taken (its last report kept, of any period)."""
        t = national_reports
        rows = self._session.execute(select(t.c.hub_id, func.max(t.c.received_at)).group_by(t.c.hub_id)).all()
        return dict(rows)  # type: ignore[arg-type]

    def finality_for(self, period_type: str, period: str) -> dict[str, bool | None]:
        """Whether each hub's kept report of the period is final (None: the hub does not say)."""
        t = national_reports
        rows = self._session.execute(
            select(t.c.hub_id, t.c.final).where(t.c.period_type == period_type, t.c.period == period)
        ).all()
        return dict(rows)  # type: ignore[arg-type]

    def record_exact_read(
        self, subject: str, roles: str, hub_id: str, what: str, period_type: str, first: str, last: str
    ) -> None:
        """Audit a national analyst's read of exact figures of periods `first` to `last`."""
        self._session.execute(
            insert(national_exact_reads).values(
                read_id=uuid.uuid4(), at=datetime.now(UTC), subject=subject, roles=roles, hub_id=hub_id,
                what=what, period_type=period_type, first_period=first, last_period=last,
            )
        )  # fmt: skip

    def exact_reads(self) -> list[dict[str, Any]]:
        """The audit of exact reads, newest first (at most 1000)."""
        t = national_exact_reads
        rows = self._session.execute(select(t).order_by(t.c.at.desc()).limit(1000)).all()
        return [dict(r._mapping) for r in rows]
