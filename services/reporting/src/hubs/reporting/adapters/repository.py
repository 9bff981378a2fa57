"""Storing the hub's facts, figures and report versions (hub mode)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import (
    JSON,
    String,
    bindparam,
    cast,
    delete,
    func,
    insert,
    literal_column,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hubs.reporting.adapters.orm import (
    activities,
    case_facts,
    period_figures,
    period_reports,
    period_sign_offs,
    quarantined_events,
    quarantined_periods,
    sickness_absence,
    stale_periods,
)
from hubs.reporting.domain.activities import Activity
from hubs.reporting.domain.case_facts import CaseFacts
from hubs.reporting.domain.periods import Period
from hubs.reporting.domain.quarantine import SetAside
from hubs.reporting.domain.sickness_csv import SicknessReturn
from hubs.runtime.db import any_of
from hubs.runtime.either_way import json_rows


def insert_for(session: Session, table):
    """An INSERT with ON CONFLICT clauses, in the session's dialect."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def upsert_rows(session: Session, table, rows: list[dict[str, Any]], key: list, update: list[str] | dict) -> None:
    """INSERT ... ON CONFLICT DO UPDATE for many rows (PostgreSQL and SQLite both have it:
    safe between replicas). `update`: the columns to take from the new row, or values to set.

    On PostgreSQL many rows go as one statement over one JSON parameter: a period's hundreds of
    figures, or a batch's case facts, in one round trip, where one execution per row cost about
    40 µs each."""
    if not rows:
        return
    statement = insert_for(session, table)
    values = {name: statement.excluded[name] for name in update} if isinstance(update, list) else update
    names = list(rows[0])
    key_of = itemgetter(*[c.name for c in key])
    if (
        len(rows) > 1
        and session.get_bind().dialect.name == "postgresql"
        and all(r.keys() == rows[0].keys() for r in rows)
        # One row per key: one statement may not update a row twice (one execution per row may).
        and len(set(map(key_of, rows))) == len(rows)
    ):
        statement = statement.from_select(names, _populated(table, names, rows))
        session.execute(statement.on_conflict_do_update(index_elements=key, set_=values))
        return
    session.execute(statement.on_conflict_do_update(index_elements=key, set_=values), rows)


def _populated(table, names: list[str], rows: list[dict[str, Any]]):
    """SELECT of `rows` from one JSON parameter, each value read into its column's type by
    PostgreSQL (`json_populate_recordset`): one C-encoded document, where arrays of JSON text per
    column had every quote of every document escaped by the driver, a regular expression each."""
    document = cast(bindparam(None, json_rows(rows)), JSON)
    given = func.json_populate_recordset(literal_column(f"NULL::{table.name}"), document).table_valued(*names)
    given = given.alias("given")
    return select(*[given.c[name] for name in names])


# The first `limit` stale periods that no other transaction has claimed. The key names the
# schema too: hubs sharing a database (or a test run) never skip each other's periods.
_CLAIM_STALE = text(
    "SELECT period_type, period, generation FROM ("
    " SELECT period_type, period, generation FROM stale_periods ORDER BY period_type, period LIMIT :limit"
    ") AS candidates"
    " WHERE pg_try_advisory_xact_lock(hashtextextended(current_schema() || ':' || period_type || ':' || period, 0))"
)


class StalePeriod(NamedTuple):
    """A period to compute again, with the generation of its mark when it was read."""

    period_type: str
    period: str
    generation: int


@dataclass(frozen=True)
class StoredCase:
    """A case's facts with the days they span, to pick the cases a period needs."""

    facts: CaseFacts
    first_day: date
    last_day: date
    open_wait: bool


class FigureRepository:
    """Per-period figures of this hub, the periods to compute again, and the report versions sent."""

    def __init__(self, session: Session):
        self._session = session
        self._to_mark: set[Period] = set()
        self._to_send: set[Period] = set()
        # Written at `flush`, each kind in one statement: a cycle computes and sends up to hundreds
        # of periods, and a statement per period was most of a rebuild's first cycle.
        self._to_write: dict[tuple[str, str, str], dict[str, Any]] = {}
        self._sent: dict[Period, tuple[int, bool]] = {}
        # Figures of periods read in this transaction (see `load`), as stored now.
        self._known: dict[Period, dict[str, int]] = {}

    def load(self, periods: Iterable[Period]) -> None:
        """Read the figures of these periods in one query (those not read yet): the report
        cycle computes or sends up to hundreds of periods in a transaction."""
        wanted = {p for p in periods if p not in self._known}
        if not wanted:
            return
        t = period_figures
        rows = self._session.execute(
            select(t.c.period_type, t.c.period, t.c.figure, t.c.value).where(
                tuple_(t.c.period_type, t.c.period).in_(sorted(wanted))
            )
        ).all()
        found: dict[Period, dict[str, int]] = {p: {} for p in wanted}
        for r in rows:
            found[(r.period_type, r.period)][r.figure] = r.value
        self._known.update(found)

    def figures(self, period_type: str, period: str) -> dict[str, int]:
        known = self._known.get((period_type, period))
        if known is not None:
            return dict(known)
        t = period_figures
        rows = self._session.execute(
            select(t.c.figure, t.c.value).where(t.c.period_type == period_type, t.c.period == period)
        ).all()
        return {r.figure: r.value for r in rows}

    def all_figures(self) -> dict[Period, dict[str, int]]:
        """Every period's figures (to compare a rebuild with the original)."""
        self.flush()
        t = period_figures
        found: dict[Period, dict[str, int]] = {}
        for r in self._session.execute(select(t.c.period_type, t.c.period, t.c.figure, t.c.value)).all():
            found.setdefault((r.period_type, r.period), {})[r.figure] = r.value
        return found

    def replace(self, period_type: str, period: str, figures: dict[str, int]) -> bool:
        """Store a period's figures; if they changed, its report is due again. True if changed.

        Only the figures that changed are written: between two computations most do not."""
        current = self.figures(period_type, period)
        if current == figures:
            return False
        t = period_figures
        gone = [name for name in current if name not in figures]
        if gone:
            self._session.execute(
                delete(t).where(t.c.period_type == period_type, t.c.period == period, t.c.figure.in_(gone))
            )
        for name, value in figures.items():
            if current.get(name) != value:
                row = {"period_type": period_type, "period": period, "figure": name, "value": value}
                self._to_write[(period_type, period, name)] = row
        self._known[(period_type, period)] = dict(figures)  # as written at `flush`
        self._to_send.add((period_type, period))  # marked pending with the others, at `flush`
        return True

    def mark_pending(self, periods: Iterable[Period]) -> None:
        """A new version of these periods' reports is due."""
        t = period_reports
        rows = [
            {"period_type": pt, "period": p, "report_version": 0, "pending": True, "final": False}
            for pt, p in sorted(set(periods))
        ]
        upsert_rows(self._session, t, rows, [t.c.period_type, t.c.period], {"pending": True})

    def mark_stale(self, periods: Iterable[Period]) -> None:
        """These periods' figures must be computed again. The marks of a transaction are
        written together when it commits (see `flush`): a batch of events touches the same
        periods again and again."""
        self._to_mark.update(periods)

    def flush(self) -> None:
        """Write the figures, reports sent and marks made so far (one statement each, safe between
        replicas). A report sent is written before the reports due: figures changed after a
        report was sent make the next one due."""
        if self._to_write:
            t = period_figures
            rows = list(self._to_write.values())
            upsert_rows(self._session, t, rows, [t.c.period_type, t.c.period, t.c.figure], ["value"])
            self._to_write.clear()
        if self._sent:
            self._write_sent()
        if self._to_send:
            self.mark_pending(self._to_send)
            self._to_send.clear()
        if not self._to_mark:
            return
        t = stale_periods
        rows = [{"period_type": pt, "period": p, "generation": 1} for pt, p in sorted(self._to_mark)]
        upsert_rows(self._session, t, rows, [t.c.period_type, t.c.period], {"generation": t.c.generation + 1})
        self._to_mark.clear()

    def stale(self, limit: int = 200) -> list[StalePeriod]:
        """Periods to compute again, claimed until the transaction ends (other replicas skip them).

        The claim is an advisory lock, not a row lock: a consumer marking a claimed period again
        does not wait for the computation (which may take seconds); its mark raises the
        generation, so `fresh` leaves the period stale and it is computed once more."""
        self.flush()
        t = stale_periods
        if self._session.get_bind().dialect.name != "postgresql":
            # SQLite (a laptop demo) has one writer at a time: nothing to claim against.
            rows = self._session.execute(select(t).order_by(t.c.period_type, t.c.period).limit(limit)).all()
        else:
            rows = self._session.execute(_CLAIM_STALE, {"limit": limit}).all()
        return [StalePeriod(r.period_type, r.period, r.generation) for r in rows]

    def fresh(self, computed: Iterable[StalePeriod]) -> None:
        """Clear the periods computed, unless they were marked again since they were read."""
        t = stale_periods
        read = sorted({(s.period_type, s.period, s.generation) for s in computed})
        if read:
            self._session.execute(delete(t).where(tuple_(t.c.period_type, t.c.period, t.c.generation).in_(read)))

    def any_report_sent(self) -> bool:
        """True once this instance has a report version of any period."""
        self.flush()
        return self._session.execute(select(period_reports.c.period).limit(1)).first() is not None

    def carry_on_from(self, versions: dict[Period, int]) -> None:
        """Versions sent before (by an instance this one rebuilds): the next of each is higher."""
        t = period_reports
        rows = [
            {"period_type": pt, "period": p, "report_version": v, "pending": False, "final": False}
            for (pt, p), v in sorted(versions.items())
        ]
        if not rows:
            return
        statement = insert_for(self._session, t)
        greatest = func.greatest if self._session.get_bind().dialect.name == "postgresql" else func.max
        newer = greatest(t.c.report_version, statement.excluded.report_version)
        self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[t.c.period_type, t.c.period], set_={"report_version": newer}
            ),
            rows,
        )

    def final_periods(self) -> set[Period]:
        """Periods whose version made after the period ended has been sent."""
        self.flush()
        t = period_reports
        rows = self._session.execute(select(t.c.period_type, t.c.period).where(t.c.final.is_(True))).all()
        return {(r.period_type, r.period) for r in rows}

    def report_state(self, period_type: str, period: str) -> dict[str, Any]:
        """The last version sent for a period, and whether it was final (version 0: none yet)."""
        self.flush()
        t = period_reports
        row = self._session.execute(
            select(t.c.report_version, t.c.final).where(t.c.period_type == period_type, t.c.period == period)
        ).first()
        return (
            {"report_version": row.report_version, "final": row.final} if row else {"report_version": 0, "final": False}
        )

    def pending_reports(self, limit: int = 100) -> list[tuple[str, str, int]]:
        """(period type, period, last version sent) of reports whose figures changed."""
        self.flush()
        t = period_reports
        rows = self._session.execute(
            select(t.c.period_type, t.c.period, t.c.report_version)
            .where(t.c.pending.is_(True))
            .order_by(t.c.period_type, t.c.period)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        return [(r.period_type, r.period, r.report_version) for r in rows]

    def report_sent(self, period_type: str, period: str, version: int, final: bool = False) -> None:
        """This version of the period's report was sent (written at `flush`, with the others)."""
        self._sent[(period_type, period)] = (version, final)

    def _write_sent(self) -> None:
        t = period_reports
        rows = [
            {"sent_type": pt, "sent_period": p, "sent_version": version, "sent_final": final}
            for (pt, p), (version, final) in sorted(self._sent.items())
        ]
        self._session.execute(
            update(t)
            .where(t.c.period_type == bindparam("sent_type"), t.c.period == bindparam("sent_period"))
            .values(report_version=bindparam("sent_version"), pending=False, final=t.c.final | bindparam("sent_final")),
            rows,
        )
        self._sent.clear()


class SignOffRepository:
    """Months the hub lead signed off. A month is signed off once: the first sign-off stands."""

    def __init__(self, session: Session):
        self._session = session

    def months(self) -> set[str]:
        t = period_sign_offs
        return set(self._session.execute(select(t.c.period).where(t.c.period_type == "month")).scalars())

    def sign_off(self, period_type: str, period: str, by: str | None, at: datetime | None) -> bool:
        """Record a sign-off; False when the period was already signed off (by anyone)."""
        t = period_sign_offs
        statement = (
            insert_for(self._session, t)
            .values(period_type=period_type, period=period, signed_off_by=by, signed_off_at=at)
            .on_conflict_do_nothing(index_elements=[t.c.period_type, t.c.period])
            .returning(t.c.period)
        )
        return self._session.execute(statement).first() is not None

    def of_months(self, months: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Who signed off these months and when, by month (those signed off)."""
        t = period_sign_offs
        rows = self._session.execute(
            select(t.c.period, t.c.signed_off_by, t.c.signed_off_at).where(
                t.c.period_type == "month", t.c.period.in_(set(months))
            )
        ).all()
        return {r.period: {"signed_off_by": r.signed_off_by, "signed_off_at": r.signed_off_at} for r in rows}


_LOCK_CASES = text("SELECT 1 FROM case_facts WHERE case_id = ANY(:ids) ORDER BY case_id FOR UPDATE")
# Counted as they are when the facts are still those read; else the facts read are what is counted.
_SETTLE_COUNTED = text(
    "UPDATE case_facts AS c SET counted = CASE WHEN c.facts::jsonb = r.facts::jsonb THEN NULL ELSE r.facts END"
    " FROM json_each(CAST(:read AS json)) AS r(case_id, facts) WHERE c.case_id = r.case_id"
)  # the facts read, by case id, as one JSON document


class CaseFactsRepository:
    """Per-case facts, keyed by the pseudonymous case id; they never leave the hub.

    Facts read or written in a transaction are kept until it ends, and what was written is
    stored when it commits (see `flush`): a batch of events often tells one case several times."""

    def __init__(self, session: Session):
        self._session = session
        self._known: dict[str, CaseFacts | None] = {}
        self._read: dict[str, CaseFacts | None] = {}  # as stored when the transaction read them
        self._spans: dict[str, tuple[date, date] | None] = {}
        self._changed: dict[str, dict[str, Any]] = {}

    def load(self, case_ids: Iterable[str]) -> None:
        """Read the facts of these cases in one query (those not read yet)."""
        wanted = {c for c in case_ids if c not in self._known}
        if not wanted:
            return
        t = case_facts
        chosen = any_of(self._session, t.c.case_id, wanted, String())
        query = select(t.c.case_id, t.c.facts, t.c.first_day, t.c.last_day).where(chosen)
        found = {r.case_id: r for r in self._session.execute(query).all()}
        for case_id in wanted:
            row = found.get(case_id)
            self._known[case_id] = self._read[case_id] = row.facts if row else None
            self._spans[case_id] = (row.first_day, row.last_day) if row else None

    def get(self, case_id: str) -> CaseFacts | None:
        self.load([case_id])
        return self._known[case_id]

    def span(self, case_id: str) -> tuple[date, date] | None:
        """The first and last days the case's facts name, as stored with them."""
        self.load([case_id])
        return self._spans[case_id]

    def put(self, case_id: str, facts: CaseFacts, first_day: date, last_day: date, open_wait: bool) -> None:
        self.load([case_id])
        self._known[case_id] = facts
        self._spans[case_id] = (first_day, last_day)
        self._changed[case_id] = {
            "case_id": case_id, "facts": facts, "first_day": first_day, "last_day": last_day, "open_wait": open_wait,
            # The facts the totals count stay those of before the first change not yet counted.
            "counted": self._read[case_id] or {},
        }  # fmt: skip

    def flush(self) -> None:
        """Store the facts written so far (one statement)."""
        if not self._changed:
            return
        t = case_facts
        rows = [self._changed[case_id] for case_id in sorted(self._changed)]  # locked in the order of their ids
        values = {name: literal_column(f"excluded.{name}") for name in ("facts", "first_day", "last_day", "open_wait")}
        values["counted"] = func.coalesce(t.c.counted, literal_column("excluded.counted"))
        upsert_rows(self._session, t, rows, [t.c.case_id], values)
        self._read.update((case_id, row["facts"]) for case_id, row in self._changed.items())
        self._changed.clear()

    def changed_since_counted(self) -> list[tuple[str, CaseFacts, CaseFacts]]:
        """Cases whose facts changed since the totals counted them: (case id, as counted, now).
        Read without locking: a replica folding events meanwhile is not held up (see `counted`)."""
        self.flush()
        t = case_facts
        query = select(t.c.case_id, t.c.counted, t.c.facts).where(t.c.counted.is_not(None)).order_by(t.c.case_id)
        return [(r.case_id, r.counted, r.facts) for r in self._session.execute(query).all()]

    def counted(self, cases: Iterable[tuple[str, CaseFacts]]) -> None:
        """The totals now count these cases' facts as they were read (case id, facts read).

        A case whose facts another replica changed since they were read keeps those read as the
        ones counted, so the next computation adds the rest of the change."""
        read = dict(cases)
        ids = sorted(read)
        t = case_facts
        if not ids:
            return
        if self._session.get_bind().dialect.name != "postgresql":  # SQLite: one writer at a time
            for start in range(0, len(ids), 1000):
                self._session.execute(update(t).where(t.c.case_id.in_(ids[start : start + 1000])).values(counted=None))
            return
        # Locked in the order of their ids, as a batch's folds store them: no deadlock between them.
        self._session.execute(_LOCK_CASES, {"ids": ids})
        self._session.execute(_SETTLE_COUNTED, {"read": json.dumps(read)})

    def as_counted(self, first: date, last: date) -> list[StoredCase]:
        """The cases that may count in [first, last], their facts as the totals count them (the
        days stored with them only where those are the facts now)."""
        self.flush()
        t = case_facts
        query = select(t.c.facts, t.c.counted, t.c.first_day, t.c.last_day, t.c.open_wait).where(
            (t.c.counted.is_not(None)) | ((t.c.first_day <= last) & ((t.c.last_day >= first) | t.c.open_wait.is_(True)))
        )
        return [
            StoredCase(r.facts, r.first_day, r.last_day, r.open_wait)
            if r.counted is None
            else StoredCase(r.counted, None, None, False)
            for r in self._session.execute(query).all()
        ]

    def all(self) -> list[StoredCase]:
        return self.overlapping(None, None)

    def overlapping(self, first: date | None, last: date | None) -> list[StoredCase]:
        """Cases with a day in [first, last], or still open by then (None: no bound)."""
        self.flush()
        t = case_facts
        query = select(t.c.facts, t.c.first_day, t.c.last_day, t.c.open_wait).order_by(t.c.case_id)
        if last is not None:
            query = query.where(t.c.first_day <= last)
        if first is not None:
            query = query.where((t.c.last_day >= first) | t.c.open_wait.is_(True))
        return [StoredCase(r.facts, r.first_day, r.last_day, r.open_wait) for r in self._session.execute(query).all()]

    def all_facts(self) -> dict[str, CaseFacts]:
        self.flush()
        t = case_facts
        return {r.case_id: r.facts for r in self._session.execute(select(t.c.case_id, t.c.facts)).all()}

    def earliest_day(self) -> date | None:
        self.flush()
        return self._session.execute(select(func.min(case_facts.c.first_day))).scalar_one_or_none()


class ActivityRepository:
    """Outreach, training, supervision, hub staff, feedback and imported sickness absence.

    Records read or written in a transaction are kept until it ends, and what was written is
    stored when it commits (see `flush`): a batch of events costs one read and one write."""

    def __init__(self, session: Session):
        self._session = session
        self._known: dict[str, dict[str, Any] | None] = {}
        self._changed: dict[str, dict[str, Any]] = {}

    def load(self, keys: Iterable[str]) -> None:
        """Read the records of these activities in one query (those not read yet)."""
        wanted = {k for k in keys if k not in self._known}
        if not wanted:
            return
        t = activities
        query = select(t.c.activity_key, t.c.record).where(t.c.activity_key.in_(wanted))
        found = dict(self._session.execute(query).all())
        self._known.update({k: found.get(k) for k in wanted})

    def get(self, key: str) -> dict[str, Any] | None:
        self.load([key])
        return self._known[key]

    def put(self, activity: Activity) -> None:
        self._known[activity.key] = activity.record
        self._changed[activity.key] = {
            "activity_key": activity.key, "kind": activity.kind, "day": activity.day, "record": activity.record
        }  # fmt: skip

    def flush(self) -> None:
        """Store the records written so far (one statement)."""
        if not self._changed:
            return
        t = activities
        upsert_rows(self._session, t, list(self._changed.values()), [t.c.activity_key], ["kind", "day", "record"])
        self._changed.clear()

    def all(self) -> list[Activity]:
        self.flush()
        t = activities
        rows = self._session.execute(select(t).order_by(t.c.activity_key)).all()
        return [Activity(r.activity_key, r.kind, r.day, r.record) for r in rows]

    def earliest_day(self) -> date | None:
        self.flush()
        return self._session.execute(select(func.min(activities.c.day))).scalar_one_or_none()


class SicknessAbsenceRepository:
    """Employers' returns as uploaded: the newest upload for an employer and month wins."""

    def __init__(self, session: Session):
        self._session = session

    def keep(self, returns: Iterable[SicknessReturn], import_id: str, imported_at: datetime) -> None:
        t = sickness_absence
        for r in returns:
            key = (t.c.employer == r.employer) & (t.c.month == r.month)
            values = {
                "days_lost_mental_health": r.days_lost_mental_health,
                "days_lost_all_causes": r.days_lost_all_causes,
                "import_id": import_id,
                "imported_at": imported_at,
            }
            done = self._session.execute(update(t).where(key).values(**values))
            if done.rowcount == 0:
                self._session.execute(insert(t).values(employer=r.employer, month=r.month, **values))

    def month_totals(self, months: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Per month: employers included, mental-health days, and all-cause days if every employer gave them."""
        t = sickness_absence
        rows = self._session.execute(
            select(t.c.month, t.c.days_lost_mental_health, t.c.days_lost_all_causes).where(t.c.month.in_(set(months)))
        ).all()
        totals: dict[str, dict[str, Any]] = {}
        for r in rows:
            month = totals.setdefault(r.month, {"employer_count": 0, "mental_health": 0.0, "all_causes": 0.0})
            month["employer_count"] += 1
            month["mental_health"] += r.days_lost_mental_health
            if month["all_causes"] is not None and r.days_lost_all_causes is not None:
                month["all_causes"] += r.days_lost_all_causes
            else:
                month["all_causes"] = None
        return totals


class QuarantineRepository:
    """Periods and events set aside with their reasons (see `domain/quarantine.py`)."""

    def __init__(self, session: Session):
        self._session = session

    def period(self, period_type: str, period: str, why: SetAside, at: datetime) -> None:
        """Set a period aside; once more if it already is (the newest reason stands)."""
        t = quarantined_periods
        row = {
            "period_type": period_type, "period": period, "reason": why.reason, "detail": why.detail[:500],
            "first_quarantined_at": at, "last_quarantined_at": at, "attempts": 1,
        }  # fmt: skip
        upsert_rows(
            self._session, t, [row], [t.c.period_type, t.c.period],
            {"reason": why.reason, "detail": why.detail[:500], "last_quarantined_at": at, "attempts": t.c.attempts + 1},
        )  # fmt: skip

    def release_periods(self, periods: Iterable[Period]) -> None:
        """Periods computed without failing are no longer set aside."""
        keys = sorted(set(periods))
        if keys:
            t = quarantined_periods
            self._session.execute(delete(t).where(tuple_(t.c.period_type, t.c.period).in_(keys)))

    def event(self, event_id: str, event_type: str, why: SetAside, at: datetime) -> None:
        t = quarantined_events
        row = {
            "event_id": event_id, "event_type": event_type, "reason": why.reason, "field": why.field,
            "detail": why.detail[:500], "quarantined_at": at,
        }  # fmt: skip
        self._session.execute(insert_for(self._session, t).on_conflict_do_nothing(index_elements=[t.c.event_id]), row)

    def counts(self) -> dict[str, int]:
        """How many periods and events are set aside."""
        return {
            "period": self._session.execute(select(func.count()).select_from(quarantined_periods)).scalar_one(),
            "event": self._session.execute(select(func.count()).select_from(quarantined_events)).scalar_one(),
        }

    def periods(self) -> list[dict[str, Any]]:
        t = quarantined_periods
        query = select(
            t.c.period_type, t.c.period, t.c.reason, t.c.first_quarantined_at, t.c.last_quarantined_at, t.c.attempts
        ).order_by(t.c.period_type, t.c.period)
        return [dict(r._mapping) for r in self._session.execute(query).all()]

    def events_by_reason(self) -> list[dict[str, Any]]:
        """Events set aside, counted by type, reason and field (no ids, no values)."""
        t = quarantined_events
        query = (
            select(
                t.c.event_type, t.c.reason, t.c.field, func.count().label("events"),
                func.min(t.c.quarantined_at).label("first_quarantined_at"),
                func.max(t.c.quarantined_at).label("last_quarantined_at"),
            )
            .group_by(t.c.event_type, t.c.reason, t.c.field)
            .order_by(t.c.event_type, t.c.reason, t.c.field)
        )  # fmt: skip
        return [dict(r._mapping) for r in self._session.execute(query).all()]
