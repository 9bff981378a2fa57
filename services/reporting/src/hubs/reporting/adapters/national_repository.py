"""Storing every hub's newest report for every period (national mode)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select, tuple_
from sqlalchemy.orm import Session

from hubs.reporting.adapters.orm import national_exact_reads, national_reports
from hubs.reporting.adapters.repository import insert_for

Key = tuple[str, str, str]  # hub, period type, period


class NationalReportRepository:
    """The newest report of every hub for every period.

    Versions read in a transaction are kept until it ends, and the reports kept are stored when
    it commits (see `flush`), in one statement: a batch of reports costs two round trips, not
    three per report."""

    def __init__(self, session: Session):
        self._session = session
        self._versions: dict[Key, int | None] = {}
        self._kept: dict[Key, dict[str, Any]] = {}

    def load(self, keys: Iterable[Key]) -> None:
        """Read the versions kept of these hubs' periods in one query (those not read yet)."""
        wanted = {k for k in keys if k not in self._versions}
        if not wanted:
            return
        t = national_reports
        rows = self._session.execute(
            select(t.c.hub_id, t.c.period_type, t.c.period, t.c.report_version).where(
                tuple_(t.c.hub_id, t.c.period_type, t.c.period).in_(sorted(wanted))
            )
        ).all()
        found = {(r.hub_id, r.period_type, r.period): r.report_version for r in rows}
        self._versions.update({k: found.get(k) for k in wanted})

    def version_of(self, hub_id: str, period_type: str, period: str) -> int | None:
        """The version of the hub's report kept for the period (None: none yet)."""
        key = (hub_id, period_type, period)
        self.load([key])
        return self._versions[key]

    def keep_if_newer(self, report: dict[str, Any]) -> bool:
        """Keep a report unless the same or a newer version is already kept. True if kept."""
        key = (report["hub_id"], report["period_type"], report["period"])
        current = self.version_of(*key)
        if current is not None and report["report_version"] <= current:
            return False  # an older or repeated version: the newest one wins
        self._versions[key] = report["report_version"]
        self._kept[key] = {
            "hub_id": key[0],
            "period_type": key[1],
            "period": key[2],
            "region": report["region"],
            "report_version": report["report_version"],
            "figures": report["figures"],
            "final": report.get("final"),
            "signed_off": report.get("signed_off"),
            "figures_exact": report.get("figures_exact"),
            "received_at": datetime.now(UTC),
        }
        return True

    def flush(self) -> None:
        """Store the reports kept so far: one upsert, which never replaces a newer version (a
        replica may have stored one since the versions were read)."""
        if not self._kept:
            return
        t = national_reports
        statement = insert_for(self._session, t)
        replaced = [c.name for c in t.columns if not c.primary_key]
        self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[t.c.hub_id, t.c.period_type, t.c.period],
                set_={name: statement.excluded[name] for name in replaced},
                where=t.c.report_version < statement.excluded.report_version,
            ),
            list(self._kept.values()),
        )
        self._kept.clear()

    def for_period(self, period_type: str, period: str) -> list[dict[str, Any]]:
        self.flush()
        t = national_reports
        rows = self._session.execute(
            select(t).where(t.c.period_type == period_type, t.c.period == period).order_by(t.c.region, t.c.hub_id)
        ).all()
        return [dict(r._mapping) for r in rows]

    def for_periods(self, period_type: str, first: str, last: str) -> list[dict[str, Any]]:
        """Reports of every period from `first` to `last` (period names sort in time order)."""
        self.flush()
        t = national_reports
        rows = self._session.execute(
            select(t)
            .where(t.c.period_type == period_type, t.c.period >= first, t.c.period <= last)
            .order_by(t.c.period, t.c.region, t.c.hub_id)
        ).all()
        return [dict(r._mapping) for r in rows]

    def last_received(self) -> dict[str, datetime]:
        """When each hub's newest report was taken (its last report kept, of any period)."""
        self.flush()
        t = national_reports
        rows = self._session.execute(select(t.c.hub_id, func.max(t.c.received_at)).group_by(t.c.hub_id)).all()
        return dict(rows)  # type: ignore[arg-type]

    def finality_for(self, period_type: str, period: str) -> dict[str, bool | None]:
        """Whether each hub's kept report of the period is final (None: the hub does not say)."""
        self.flush()
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
