"""Fakes of the reporting service's own ports (repositories, outbox, unit of work), and a
small hub that feeds contract-valid events through the handlers as the consumer would."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from hubs.contracts import new_envelope, parse_envelope
from hubs.contracts.events.assessment import GAD7_BANDS, PHQ9_BANDS
from hubs.reporting.adapters.repository import StalePeriod, StoredCase
from hubs.reporting.domain.case_facts import case_days
from hubs.reporting.domain.dataset import DatasetRules
from hubs.reporting.service_layer.handlers import ReportCycle, hub_event_handlers
from hubs.runtime import fakes

HUB = "unit-hub"


class FakeFigures:
    def __init__(self):
        self.stored: dict[tuple[str, str], dict[str, int]] = {}
        self.reports: dict[tuple[str, str], dict] = {}
        self.stale_marks: dict[tuple[str, str], int] = {}

    def load(self, periods):
        pass

    def figures(self, period_type, period):
        return dict(self.stored.get((period_type, period), {}))

    def all_figures(self):
        return {k: dict(v) for k, v in self.stored.items()}

    def replace(self, period_type, period, figures):
        if self.stored.get((period_type, period), {}) == figures:
            return False
        self.stored[(period_type, period)] = dict(figures)
        self.mark_pending([(period_type, period)])
        return True

    def mark_pending(self, periods):
        for key in periods:
            self.reports.setdefault(key, {"version": 0, "pending": False, "final": False})["pending"] = True

    def mark_stale(self, periods):
        for key in set(periods):
            self.stale_marks[key] = self.stale_marks.get(key, 0) + 1

    def stale(self, limit=200):
        return [StalePeriod(pt, p, g) for (pt, p), g in sorted(self.stale_marks.items())][:limit]

    def fresh(self, computed):
        for pt, p, generation in computed:
            if self.stale_marks.get((pt, p)) == generation:
                del self.stale_marks[(pt, p)]

    def any_report_sent(self):
        return bool(self.reports)

    def carry_on_from(self, versions):
        for key, version in versions.items():
            report = self.reports.setdefault(key, {"version": 0, "pending": False, "final": False})
            report["version"] = max(report["version"], version)

    def final_periods(self):
        return {k for k, r in self.reports.items() if r["final"]}

    def pending_reports(self, limit=100):
        return [(pt, p, r["version"]) for (pt, p), r in sorted(self.reports.items()) if r["pending"]][:limit]

    def report_sent(self, period_type, period, version, final=False):
        report = self.reports[(period_type, period)]
        report.update(version=version, pending=False, final=report["final"] or final)


class FakeCases:
    def __init__(self):
        self.stored: dict[str, tuple] = {}
        self.counted_as: dict[str, dict] = {}

    def get(self, case_id):
        return self.stored[case_id][0] if case_id in self.stored else None

    def span(self, case_id):
        return self.stored[case_id][1:3] if case_id in self.stored else None

    def put(self, case_id, facts, first_day, last_day, open_wait):
        # The facts as kept periods count them stay those before the first change not counted yet.
        self.counted_as.setdefault(case_id, self.get(case_id) or {})
        self.stored[case_id] = (json.loads(json.dumps(facts)), first_day, last_day, open_wait)

    def changed_since_counted(self):
        return [(k, self.counted_as[k], self.stored[k][0]) for k in sorted(self.counted_as)]

    def counted(self, cases):
        for case_id, facts in cases:
            if self.stored[case_id][0] == facts:
                self.counted_as.pop(case_id, None)
            else:  # changed since it was read: what was read is what the totals count now
                self.counted_as[case_id] = facts

    def as_counted(self, first, last):
        return [
            StoredCase(self.counted_as[k], None, None, False) if k in self.counted_as else StoredCase(*self.stored[k])
            for k in sorted(self.stored)
        ]

    def load(self, case_ids):
        pass

    def all(self):
        return [StoredCase(*self.stored[k]) for k in sorted(self.stored)]

    def overlapping(self, first, last):
        return [c for c in self.all() if c.first_day <= last and (c.last_day >= first or c.open_wait)]

    def all_facts(self):
        return {k: v[0] for k, v in self.stored.items()}

    def earliest_day(self):
        return min((v[1] for v in self.stored.values()), default=None)


class FakeTotals:
    """Kept periods' totals, changed by each case's change of facts."""

    def __init__(self):
        self.kept: dict[tuple[str, str], tuple] = {}
        self.stored: dict[tuple[str, str], Counter] = {}

    def lock(self):
        return True

    def kept_periods(self):
        return dict(self.kept)

    def keep(self, period_type, period, first, last, totals):
        self.kept[(period_type, period)] = (first, last)
        self.stored[(period_type, period)] = Counter({k: v for k, v in totals.items() if v})

    def add(self, changes):
        for key, change in changes.items():
            totals = self.stored[key]
            totals.update(change)
            self.stored[key] = Counter({k: v for k, v in totals.items() if v})

    def totals(self, period_type, period):
        return Counter(self.stored.get((period_type, period), {}))

    def totals_of(self, periods):
        return {key: Counter(self.stored[key]) for key in set(periods) if key in self.stored}

    def forget(self, periods):
        for key in set(periods):
            self.kept.pop(key, None)
            self.stored.pop(key, None)


class FakeActivities:
    def __init__(self):
        self.stored = {}

    def load(self, keys):
        pass

    def get(self, key):
        return self.stored[key].record if key in self.stored else None

    def put(self, activity):
        self.stored[activity.key] = activity

    def all(self):
        return [self.stored[k] for k in sorted(self.stored)]

    def earliest_day(self):
        return min((a.day for a in self.stored.values()), default=None)


class FakeSickness:
    def __init__(self):
        self.rows = {}

    def keep(self, returns, import_id, imported_at):
        for r in returns:
            self.rows[(r.employer, r.month)] = r

    def month_totals(self, months):
        totals = {}
        for (_, month), r in self.rows.items():
            if month in months:
                t = totals.setdefault(month, {"employer_count": 0, "mental_health": 0.0, "all_causes": None})
                t["employer_count"] += 1
                t["mental_health"] += r.days_lost_mental_health
        return totals


class FakeQuarantine:
    def __init__(self):
        self.periods: dict[tuple[str, str], dict] = {}
        self.events: dict[str, dict] = {}

    def period(self, period_type, period, why, at):
        row = self.periods.setdefault((period_type, period), {"first_quarantined_at": at, "attempts": 0})
        row.update(reason=why.reason, detail=why.detail, last_quarantined_at=at, attempts=row["attempts"] + 1)

    def release_periods(self, periods):
        for key in set(periods):
            self.periods.pop(key, None)

    def event(self, event_id, event_type, why, at):
        self.events.setdefault(
            event_id,
            {"event_type": event_type, "reason": why.reason, "field": why.field, "detail": why.detail, "at": at},
        )

    def counts(self):
        return {"period": len(self.periods), "event": len(self.events)}


class FakeSignOffs:
    def __init__(self):
        self.stored: dict[tuple[str, str], dict] = {}

    def months(self):
        return {p for pt, p in self.stored if pt == "month"}

    def sign_off(self, period_type, period, by, at):
        if (period_type, period) in self.stored:
            return False
        self.stored[(period_type, period)] = {"signed_off_by": by, "signed_off_at": at}
        return True

    def of_months(self, months):
        return {p: dict(w) for (pt, p), w in self.stored.items() if pt == "month" and p in set(months)}


class FakeOutbox(fakes.FakeOutbox):
    def entry(self, envelope, event_type, data, **about):
        return {"envelope": envelope, "national": about.get("national", False), "key": about.get("aggregate_id")}


class FakeUnitOfWork(fakes.FakeUnitOfWork):
    def __init__(self):
        super().__init__(
            FakeOutbox(HUB, "reporting@unit-hub"),
            figures=FakeFigures(),
            cases=FakeCases(),
            activities=FakeActivities(),
            sickness=FakeSickness(),
            quarantine=FakeQuarantine(),
            sign_offs=FakeSignOffs(),
            totals=FakeTotals(),
        )
        self.settings = SimpleNamespace(hub_id=HUB, region="london")


class FakeHub:
    """Events in through the handlers, reports out through the outbox, with a clock of its own."""

    def __init__(self, today: date, rules: DatasetRules | None = None):
        self.uow = FakeUnitOfWork()
        self.today = today
        self.handlers = hub_event_handlers(self.now)
        self.cycle = ReportCycle(lambda: self.uow, rules or DatasetRules(), self.now, close_every=0)

    def now(self) -> datetime:
        return datetime.combine(self.today, datetime.min.time(), UTC).replace(hour=12)

    def send(self, event_type: str, data: dict, case_id=None) -> dict:
        """Validate against the contract, read back as the consumer reads it, and apply."""
        envelope = new_envelope(event_type, data, hub_id=HUB, producer="test@unit-hub", case_id=case_id)
        parsed = parse_envelope(json.loads(json.dumps(envelope)))
        self.handlers[event_type](parsed, self.uow)
        return envelope

    def figures(self, period_type: str, period: str) -> dict[str, int]:
        self.cycle()
        return self.uow.figures.figures(period_type, period)

    def reports(self) -> list[dict]:
        return [e["envelope"]["data"] for e in self.uow.outbox.events if e["national"]]

    def facts(self) -> dict:
        return self.uow.cases.all_facts()

    def case_days(self, case_id) -> list[date]:
        return case_days(self.uow.cases.get(str(case_id)))


def _band(bands, total):
    return [band.value for lowest, band in bands if total >= lowest][-1]


def measures(phq9: int | None, gad7: int | None) -> dict:
    """Contract-valid measures with PHQ-9 and GAD-7 totals (bands as the instruments define)."""
    return {
        "phq9": None if phq9 is None else {"total": phq9, "band": _band(PHQ9_BANDS, phq9), "item9_positive": False},
        "gad7": None if gad7 is None else {"total": gad7, "band": _band(GAD7_BANDS, gad7)},
    }


class Case:
    """One member of staff's way through the hub, told as contract events."""

    def __init__(self, hub: FakeHub):
        self.hub = hub
        self.case_id = str(uuid.uuid4())
        self.referral_id = str(uuid.uuid4())
        self.assessment_id = str(uuid.uuid4())

    def _send(self, event_type: str, data: dict) -> Case:
        self.hub.send(event_type, data, case_id=self.case_id)
        return self

    def referred(self, at: str, source: str = "self", urgency: str = "routine", **demographics) -> Case:
        return self._send(
            "ReferralReceived",
            {"referral_id": self.referral_id, "received_at": at, "source": source, "urgency": urgency, **demographics},
        )

    def contacted(self, received_at: str, at: str) -> Case:
        return self._send(
            "FirstContactMade",
            {
                "referral_id": self.referral_id,
                "contact_attempt_id": str(uuid.uuid4()),
                "referral_received_at": received_at,
                "contacted_at": at,
                "channel": "phone",
            },
        )

    def assessed(self, at: str, phq9: int | None = 12, gad7: int | None = 9, outcomes=("refer-on",)) -> Case:
        return self._send(
            "AssessmentCompleted",
            {
                "assessment_id": self.assessment_id,
                "referral_id": self.referral_id,
                "completed_at": at,
                "multidisciplinary": True,
                "disciplines": ["psychology", "nursing"],
                "measures": measures(phq9, gad7),
                "risk_level": "low",
                "work_situation": "at-work",
                "outcome_decisions": list(outcomes),
            },
        )

    def followed_up(self, at: str, phq9: int | None, gad7: int | None) -> Case:
        return self._send(
            "FollowUpMeasured",
            {
                "follow_up_id": str(uuid.uuid4()),
                "assessment_id": self.assessment_id,
                "measured_at": at,
                "measures": measures(phq9, gad7),
            },
        )

    def signposted(self, on: str, *service_types: str) -> Case:
        return self._send(
            "Signposted",
            {"signposting_id": str(uuid.uuid4()), "signposted_on": on, "service_types": list(service_types)},
        )

    def referred_on(self, on: str, service_type: str = "talking-therapies") -> Case:
        self.onward_referral_id = str(uuid.uuid4())
        self.service_type = service_type
        return self._send(
            "OnwardReferralMade",
            {"onward_referral_id": self.onward_referral_id, "service_type": service_type, "made_on": on},
        )

    def declined(self, on: str) -> Case:
        return self._send(
            "OnwardReferralDeclined",
            {"onward_referral_id": self.onward_referral_id, "declined_on": on, "reason": "no-capacity"},
        )

    def treatment_started(self, on: str) -> Case:
        return self._send(
            "TreatmentStarted",
            {"onward_referral_id": self.onward_referral_id, "service_type": self.service_type, "started_on": on},
        )

    def treatment_ended(self, on: str) -> Case:
        return self._send(
            "TreatmentEnded",
            {"onward_referral_id": self.onward_referral_id, "ended_on": on, "reason": "completed"},
        )

    def monitored(self, on: str) -> Case:
        return self._send(
            "MonitoringStarted",
            {
                "monitoring_plan_id": str(uuid.uuid4()),
                "started_on": on,
                "review_interval_days": 14,
                "measures": ["phq-9", "gad-7"],
            },
        )

    def closed(self, at: str, reason: str = "care-completed") -> Case:
        return self._send("EpisodeClosed", {"closed_at": at, "reason": reason})


@pytest.fixture
def hub() -> FakeHub:
    return FakeHub(today=date(2026, 11, 26))


@pytest.fixture
def new_id():
    return lambda: str(uuid.uuid4())


@pytest.fixture
def case(hub):
    """`case()` starts a new case in the test's hub."""
    return lambda: Case(hub)


@pytest.fixture
def make_hub():
    """`make_hub(today, rules)`: another hub, e.g. with rules of its own."""
    return FakeHub
