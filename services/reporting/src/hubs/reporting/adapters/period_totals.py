"""Kept periods' totals: the sums of their cases' contributions (`domain/contributions.py`),
changed by each case's change of facts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from sqlalchemy import delete, literal_column, select, text, tuple_
from sqlalchemy.orm import Session

from hubs.reporting.adapters.orm import kept_periods, period_totals
from hubs.reporting.adapters.repository import upsert_rows
from hubs.reporting.domain.periods import Period

# One computation of totals at a time per hub: a case's change must reach every period kept by
# then, so keeping a new period and applying changes never interleave between replicas.
_TOTALS_LOCK = text("SELECT pg_try_advisory_xact_lock(hashtextextended(current_schema() || '/period-totals', 0))")


class PeriodTotalsRepository:
    def __init__(self, session: Session):
        self._session = session
        # Periods kept in this transaction, written together at `flush` (a rebuild's first cycle
        # keeps every period of the year: four statements each had been most of its time).
        self._to_keep: dict[Period, tuple[date, date, Counter]] = {}

    def lock(self) -> bool:
        """Hold the hub's totals until the transaction ends; False if another replica holds them."""
        if self._session.get_bind().dialect.name != "postgresql":
            return True  # SQLite (a laptop demo) has one writer at a time
        return bool(self._session.execute(_TOTALS_LOCK).scalar_one())

    def kept_periods(self) -> dict[Period, tuple[date, date]]:
        self.flush()
        t = kept_periods
        rows = self._session.execute(select(t.c.period_type, t.c.period, t.c.first_day, t.c.last_day)).all()
        return {(r.period_type, r.period): (r.first_day, r.last_day) for r in rows}

    def keep(self, period_type: str, period: str, first: date, last: date, totals: Counter) -> None:
        """Keep a period's totals from now on, as computed from every case (written at `flush`)."""
        self._to_keep[(period_type, period)] = (first, last, Counter(totals))

    def flush(self) -> None:
        """Write the periods kept so far: those kept before are replaced."""
        if not self._to_keep:
            return
        keeping = sorted(self._to_keep.items())
        self._to_keep.clear()
        self.forget(period for period, _ in keeping)
        self._session.execute(
            kept_periods.insert(),
            [
                {"period_type": pt, "period": p, "first_day": first, "last_day": last}
                for (pt, p), (first, last, _) in keeping
            ],
        )
        rows = [
            {"period_type": pt, "period": p, "item": item, "value": value}
            for (pt, p), (_, _, totals) in keeping
            for item, value in sorted(totals.items())
            if value
        ]
        t = period_totals
        upsert_rows(self._session, t, rows, [t.c.period_type, t.c.period, t.c.item], ["value"])

    def add(self, changes: dict[Period, Counter]) -> None:
        """Change kept periods' totals by the differences given."""
        self.flush()
        t = period_totals
        rows = [
            {"period_type": pt, "period": p, "item": item, "value": value}
            for (pt, p), change in sorted(changes.items())
            for item, value in sorted(change.items())
            if value
        ]
        if not rows:
            return
        key = [t.c.period_type, t.c.period, t.c.item]
        upsert_rows(self._session, t, rows, key, {"value": t.c.value + literal_column("excluded.value")})
        self._session.execute(delete(t).where(t.c.value == 0, tuple_(t.c.period_type, t.c.period).in_(sorted(changes))))

    def totals(self, period_type: str, period: str) -> Counter:
        return self.totals_of([(period_type, period)]).get((period_type, period), Counter())

    def totals_of(self, periods: Iterable[Period]) -> dict[Period, Counter]:
        keys = sorted(set(periods))
        if not keys:
            return {}
        self.flush()
        t = period_totals
        found: dict[Period, Counter] = {key: Counter() for key in keys}
        query = select(t.c.period_type, t.c.period, t.c.item, t.c.value).where(
            tuple_(t.c.period_type, t.c.period).in_(keys)
        )
        for r in self._session.execute(query).all():
            found[(r.period_type, r.period)][r.item] = r.value
        return found

    def forget(self, periods: Iterable[Period]) -> None:
        """No longer keep these periods (computed from every case when next needed)."""
        keys = sorted(set(periods))
        self._to_keep = {period: kept for period, kept in self._to_keep.items() if period not in keys}
        if keys:
            for t in (kept_periods, period_totals):
                self._session.execute(delete(t).where(tuple_(t.c.period_type, t.c.period).in_(keys)))
