"""Contract-valid event envelopes of whole pathways, and a year of period reports, seeded.

Rates and mixes are plausible for a staff wellbeing hub, not statistics: most people refer
themselves, about one in twelve is urgent, most are contacted within two days, and after
assessment about a third are signposted, a third referred on and some monitored.

Every case keeps the pathway's order the services keep (first contact before the assessment, an
onward referral on or after the day of its assessment), and every day lies between the hub's
records start (2020-10-01) and now: what would happen later has not happened yet, so a case
still under way at `until` simply stops there."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from hubs.contracts import codes, new_envelope
from hubs.contracts.events.assessment import GAD7_BANDS, PHQ9_BANDS
from hubs.contracts.registry import spec_for
from hubs.contracts.topics import hub_topic
from hubs.loadgen.england import STAFF_GROUP_WEIGHTS, Hub
from hubs.runtime.settings import DEFAULT_RECORDS_START as RECORDS_START

S = codes.ReferralSource
SOURCE_WEIGHTS = {S.SELF: 55, S.LINE_MANAGER: 12, S.OCCUPATIONAL_HEALTH: 10, S.GP: 8, S.HR: 5}
SOURCE_WEIGHTS |= {S.HEALTH_AND_WELLBEING_TEAM: 5, S.OTHER: 3, S.OTHER_HUB: 2}
T = codes.TriageDecision
TRIAGE_WEIGHTS = {T.ACCEPTED: 90, T.NOT_ELIGIBLE: 5, T.DUPLICATE: 3, T.REDIRECTED_TO_CRISIS_CARE: 2}
D = codes.OutcomeDecision
OUTCOME_WEIGHTS = {D.SIGNPOST: 35, D.REFER_ON: 35, D.MONITOR: 15, D.NO_FURTHER_ACTION: 10}
OUTCOME_WEIGHTS |= {D.LIAISE_OCCUPATIONAL_HEALTH: 5}
ONWARD_SERVICES = [
    codes.ServiceType.TALKING_THERAPIES,
    codes.ServiceType.SECONDARY_CARE_MENTAL_HEALTH,
    codes.ServiceType.PEER_SUPPORT,
    codes.ServiceType.BEREAVEMENT,
    codes.ServiceType.HUB_COMMISSIONED,
]
SIGNPOST_SERVICES = [codes.ServiceType.SELF_HELP, codes.ServiceType.PEER_SUPPORT, codes.ServiceType.DEBT_ADVICE]
PERIOD_TYPES = ("week", "month", "quarter", "financial-year")


def _band(bands: tuple, total: int) -> codes.StrEnum:
    return [band for lowest, band in bands if total >= lowest][-1]


def financial_year(day: date) -> str:
    """`2020-21` for a day from April 2020 to March 2021."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def periods_of(day: date) -> dict[str, str]:
    """The week, month, financial quarter and financial year a day falls in, as reports name them."""
    iso_year, iso_week, _ = day.isocalendar()
    quarter = ((day.month - 4) % 12) // 3 + 1
    return {
        "week": f"{iso_year}-W{iso_week:02d}",
        "month": f"{day.year}-{day.month:02d}",
        "quarter": f"{financial_year(day)}-Q{quarter}",
        "financial-year": financial_year(day),
    }


class Pathways:
    """Draws every event of one hub's cases, and its outreach and feedback, from a seed."""

    def __init__(self, hub: Hub, seed: int = 2020, until: datetime | None = None):
        self.hub = hub
        self.random = random.Random(f"{seed}:{hub.hub_id}")
        # Nothing is drawn after this moment (default: now); the draws themselves do not depend on it.
        self.until = until or datetime.now(UTC)

    def _id(self) -> uuid.UUID:
        return uuid.UUID(int=self.random.getrandbits(128), version=4)

    def _pick(self, weights: dict) -> Any:
        return self.random.choices(list(weights), weights=list(weights.values()))[0]

    def envelope(self, event_type: str, data: dict, at: datetime, case_id: uuid.UUID | None) -> dict[str, Any]:
        """A validated envelope of `event_type` as the hub's service that owns it would publish it."""
        service = spec_for(event_type).service
        return new_envelope(
            event_type,
            data,
            hub_id=self.hub.hub_id,
            producer=f"{service}@{self.hub.hub_id}",
            case_id=case_id,
            occurred_at=at,
            event_id=self._id(),
        )

    def topic(self, envelope: dict[str, Any], prefix: str = "") -> str:
        """The hub topic that carries `envelope`."""
        return hub_topic(self.hub.hub_id, spec_for(envelope["event_type"]).service, prefix=prefix)

    def case(self, received_at: datetime) -> list[dict[str, Any]]:
        """Every event of one case, from referral to closure, in the order they happen."""
        r = self.random
        case_id, referral_id = self._id(), self._id()
        events: list[tuple[datetime, str, dict]] = []

        def add(at: datetime, event_type: str, data: dict) -> None:
            events.append((at, event_type, data))

        source = self._pick(SOURCE_WEIGHTS)
        urgent = r.random() < 0.08
        urgency = codes.Urgency.URGENT if urgent else codes.Urgency.ROUTINE
        if source is S.OTHER_HUB:
            data = {"transfer_id": self._id(), "referral_id": referral_id, "received_at": received_at}
            add(received_at, "ReferralTransferredIn", data | {"from_hub_id": f"{self.hub.region.value}-0"})
        add(received_at, "ReferralReceived", self._referral(referral_id, received_at, source, urgency))
        at = received_at + timedelta(hours=r.uniform(0.2, 4 if urgent else 24))
        decision = self._pick(TRIAGE_WEIGHTS)
        add(
            at,
            "ReferralTriaged",
            {"referral_id": referral_id, "triaged_at": at, "decision": decision, "urgency": urgency},
        )
        if decision is not T.ACCEPTED:
            return self._close(events, case_id, referral_id, at, codes.ClosureReason.NOT_ELIGIBLE)
        if r.random() < 0.04:
            add(at, "ReferralWithdrawn", {"referral_id": referral_id, "withdrawn_at": at, "reason": "person-asked"})
            return self._close(events, case_id, referral_id, at, codes.ClosureReason.WITHDRAWN)
        contacted = False
        for attempt in range(1, r.choice([1, 1, 1, 2, 2, 3]) + 1):
            at += timedelta(hours=r.uniform(1, 30 if attempt > 1 else 20))
            contacted = r.random() < 0.85
            channel = r.choice([codes.ContactChannel.PHONE, codes.ContactChannel.PHONE, codes.ContactChannel.VIDEO])
            attempt_id = self._id()
            outcome = codes.ContactOutcome.CONTACTED if contacted else r.choice(["no-answer", "message-left"])
            add(at, "ContactAttempted", {
                "contact_attempt_id": attempt_id, "referral_id": referral_id, "attempted_at": at,
                "attempt_number": attempt, "channel": channel, "outcome": outcome,
            })  # fmt: skip
            if contacted:
                add(at, "FirstContactMade", {
                    "referral_id": referral_id, "contact_attempt_id": attempt_id,
                    "referral_received_at": received_at, "contacted_at": at, "channel": channel,
                })  # fmt: skip
                break
        if not contacted:
            return self._close(events, case_id, referral_id, at, codes.ClosureReason.UNCONTACTABLE)
        at += timedelta(days=r.uniform(1, 10))
        return self._assess_and_care(events, case_id, referral_id, at)

    def _referral(self, referral_id: uuid.UUID, at: datetime, source: S, urgency: codes.Urgency) -> dict:
        r = self.random
        return {
            "referral_id": referral_id,
            "received_at": at,
            "source": source,
            "urgency": urgency,
            "staff_group": self._pick(STAFF_GROUP_WEIGHTS),
            "employment_type": r.choice(list(codes.EmploymentType)),
            "at_risk_factors": sorted({f.value for f in r.sample(list(codes.AtRiskFactor), k=r.randint(0, 3))}),
            "ethnic_category": r.choice(list(codes.EthnicCategory)),
            "sexual_orientation": r.choice(list(codes.SexualOrientation)),
            "gender_identity": r.choice(list(codes.GenderIdentity)),
            "age_band": r.choice(list(codes.AgeBand)),
            "disability": r.choice(list(codes.Disability)),
        }

    def _measures(self, severity: float) -> dict:
        phq9 = max(0, min(27, round(self.random.gauss(severity * 27, 3))))
        gad7 = max(0, min(21, round(self.random.gauss(severity * 21, 3))))
        return {
            "phq9": {"total": phq9, "band": _band(PHQ9_BANDS, phq9), "item9_positive": phq9 >= 20},
            "gad7": {"total": gad7, "band": _band(GAD7_BANDS, gad7)},
        }

    def _assess_and_care(self, events: list, case_id: uuid.UUID, referral_id: uuid.UUID, at: datetime) -> list:
        r = self.random
        assessment_id = self._id()
        severity = r.uniform(0.15, 0.8)
        decision = self._pick(OUTCOME_WEIGHTS)
        risk = codes.RiskLevel.HIGH if severity > 0.75 else r.choice([codes.RiskLevel.LOW, codes.RiskLevel.MODERATE])
        refer_on = [r.choice(ONWARD_SERVICES)] if decision is D.REFER_ON else []
        signpost = [r.choice(SIGNPOST_SERVICES)] if decision is D.SIGNPOST else []
        oh = decision is D.LIAISE_OCCUPATIONAL_HEALTH
        events.append((at, "AssessmentCompleted", {
            "assessment_id": assessment_id, "referral_id": referral_id, "completed_at": at,
            "multidisciplinary": r.random() < 0.3, "disciplines": [r.choice(list(codes.Discipline))],
            "measures": self._measures(severity), "risk_level": risk,
            "work_situation": r.choice(list(codes.WorkSituation)), "outcome_decisions": [decision],
            "occupational_health_consent": oh, "occupational_health_consent_recorded_at": at if oh else None,
            "refer_on_to": refer_on, "signpost_to": signpost,
        }))  # fmt: skip
        if risk is codes.RiskLevel.HIGH:
            events.append((at, "RiskEscalated", {
                "risk_escalation_id": self._id(), "escalated_at": at, "risk_level": risk, "risk_to_self": True,
                "risk_to_others": False, "route": r.choice(list(codes.EscalationRoute)), "assessment_id": assessment_id,
            }))  # fmt: skip
        day = at.date()
        if decision is D.SIGNPOST:
            events.append((at, "Signposted", {
                "signposting_id": self._id(), "signposted_on": day, "service_types": signpost,
                "assessment_id": assessment_id,
            }))  # fmt: skip
            reason = codes.ClosureReason.SIGNPOSTED
        elif decision is D.REFER_ON:
            at = self._onward(events, refer_on[0], assessment_id, at)
            reason = codes.ClosureReason.CARE_COMPLETED
        elif decision is D.MONITOR:
            at = self._monitor(events, assessment_id, at, severity)
            reason = codes.ClosureReason.CARE_COMPLETED
        elif oh:
            events.append((at, "OccupationalHealthLiaised", {
                "liaison_id": self._id(), "liaised_on": day, "consent_recorded_at": at,
            }))  # fmt: skip
            reason = codes.ClosureReason.CARE_COMPLETED
        else:
            reason = codes.ClosureReason.NO_FURTHER_ACTION
        at += timedelta(days=r.uniform(1, 14))
        events.append((at, "EpisodeClosed", {"closed_at": at, "reason": reason}))
        if r.random() < 0.3:
            events.append((at, "ServiceUserFeedbackGiven", {
                "feedback_id": self._id(), "given_on": at.date(), "stage": codes.FeedbackStage.AT_CLOSURE,
                "overall_experience": r.choice([codes.FeedbackRating.VERY_GOOD, codes.FeedbackRating.GOOD]),
                "felt_listened_to": r.randint(3, 5), "helped": r.randint(2, 5),
            }))  # fmt: skip
        return self._close(events, case_id, referral_id, at, reason)

    def _onward(self, events: list, service: codes.ServiceType, assessment_id: uuid.UUID, at: datetime) -> datetime:
        r = self.random
        onward_id = self._id()
        events.append((at, "OnwardReferralMade", {
            "onward_referral_id": onward_id, "service_type": service, "made_on": at.date(),
            "assessment_id": assessment_id,
        }))  # fmt: skip
        at += timedelta(days=r.uniform(1, 10))
        if r.random() < 0.12:
            data = {"onward_referral_id": onward_id, "declined_on": at.date(), "reason": "other"}
            events.append((at, "OnwardReferralDeclined", data))
            return at
        events.append((at, "OnwardReferralAccepted", {"onward_referral_id": onward_id, "accepted_on": at.date()}))
        wait = r.expovariate(1 / 30)
        if wait > 42:
            events.append((at + timedelta(days=42), "WaitEscalated", {
                "onward_referral_id": onward_id, "escalated_on": (at + timedelta(days=42)).date(),
                "waited_days": 42, "threshold_days": 42, "contingency": r.choice(list(codes.ContingencyAction)),
            }))  # fmt: skip
        at += timedelta(days=wait)
        data = {"onward_referral_id": onward_id, "service_type": service, "started_on": at.date()}
        events.append((at, "TreatmentStarted", data))
        at += timedelta(days=r.uniform(20, 90))
        reason = (
            codes.TreatmentEndReason.COMPLETED if r.random() < 0.8 else codes.TreatmentEndReason.ENDED_EARLY_BY_PERSON
        )
        events.append(
            (at, "TreatmentEnded", {"onward_referral_id": onward_id, "ended_on": at.date(), "reason": reason})
        )
        return at

    def _monitor(self, events: list, assessment_id: uuid.UUID, at: datetime, severity: float) -> datetime:
        r = self.random
        plan_id = self._id()
        measures = [codes.Measure.PHQ_9, codes.Measure.GAD_7]
        events.append((at, "MonitoringStarted", {
            "monitoring_plan_id": plan_id, "started_on": at.date(), "review_interval_days": 28, "measures": measures,
        }))  # fmt: skip
        for _ in range(r.randint(1, 3)):
            at += timedelta(days=28)
            follow_up_id = self._id()
            events.append((at, "FollowUpDue", {
                "follow_up_id": follow_up_id, "due_on": at.date(), "measures_due": measures,
                "monitoring_plan_id": plan_id,
            }))  # fmt: skip
            severity = max(0.0, severity - r.uniform(-0.05, 0.2))
            measured = at + timedelta(days=r.uniform(0, 5))
            events.append((measured, "FollowUpMeasured", {
                "follow_up_id": follow_up_id, "assessment_id": assessment_id, "measured_at": measured,
                "measures": self._measures(severity),
            }))  # fmt: skip
            at = measured
        events.append((at, "MonitoringEnded", {"monitoring_plan_id": plan_id, "ended_on": at.date()}))
        return at

    def _close(self, events: list, case_id, referral_id, at: datetime, reason: codes.ClosureReason) -> list:
        events.append((at, "ReferralClosed", {"referral_id": referral_id, "closed_at": at, "reason": reason}))
        # Stable: events of the same moment keep the order they follow one another in.
        events.sort(key=lambda e: e[0])
        return [
            self.envelope(t, d, when, None if not spec_for(t).about_case else case_id)
            for when, t, d in events
            if when <= self.until
        ]

    def activity(self, day: date) -> list[dict[str, Any]]:
        """One outreach or inreach event of the hub on `day`, with some of its feedback."""
        r = self.random
        at = datetime.combine(day, time(12), UTC)
        event_id = self._id()
        held = self.envelope("OutreachEventHeld", {
            "outreach_event_id": event_id, "event_type": r.choice(list(codes.OutreachEventType)), "held_on": day,
            "attendance": r.randint(5, 60), "staff_groups": [self._pick(STAFF_GROUP_WEIGHTS)],
            "at_risk_groups": [r.choice(list(codes.AtRiskFactor))],
        }, at, None)  # fmt: skip
        feedback = [
            self.envelope(
                "OutreachFeedbackGiven",
                {"feedback_id": self._id(), "outreach_event_id": event_id, "given_on": day, "useful": r.randint(2, 5)},
                at,
                None,
            )
            for _ in range(r.randint(0, 3))
        ]
        return [held, *feedback] if at <= self.until else []

    def year(self, first_day: date, days: int = 365, referrals: int | None = None) -> Iterator[dict[str, Any]]:
        """Every event of the hub's cases received over `days` days, case by case, with weekly outreach.

        Referrals arrive at random times, fewer at weekends; each case's events come in their order.
        The hub keeps no records before its records start, so `first_day` cannot be earlier (ValueError)."""
        if first_day < RECORDS_START:
            raise ValueError(f"the first day {first_day} is before the hub's records start {RECORDS_START}")
        return self._year(first_day, days, referrals)

    def _year(self, first_day: date, days: int, referrals: int | None) -> Iterator[dict[str, Any]]:
        r = self.random
        total = self.hub.referrals_per_year * days // 365 if referrals is None else referrals
        start = datetime.combine(first_day, time(0), UTC)
        arrivals = []
        while len(arrivals) < total:
            at = start + timedelta(seconds=r.uniform(0, days * 86400))
            if at.weekday() < 5 or r.random() < 0.4:
                arrivals.append(at)
        for at in sorted(arrivals):
            yield from self.case(at)
        for week in range(days // 7):
            yield from self.activity(first_day + timedelta(days=7 * week + 2))


def period_reports(
    hubs: list[Hub],
    financial_year_start: int,
    figure_names: list[str],
    seed: int = 2020,
    versions: int = 4,
    today: date | None = None,
) -> Iterator[dict[str, Any]]:
    """A year of HubPeriodReport envelopes of every hub: each period sent in `versions` versions
    on average (figures change as events arrive), the last one final. Counts are suppressed.

    Only the periods of days from the records start to `today` (default: today) are reported;
    ValueError when the financial year has none."""
    first = max(date(financial_year_start, 4, 1), RECORDS_START)
    last = min(date(financial_year_start + 1, 3, 31), today or date.today())
    if last < first:
        year = financial_year(date(financial_year_start, 4, 1))
        raise ValueError(f"no day of financial year {year} lies between the records start {RECORDS_START} and {last}")
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return _period_reports(hubs, days, figure_names, seed, versions)


def _period_reports(
    hubs: list[Hub], days: list[date], figure_names: list[str], seed: int, versions: int
) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    periods = sorted({(pt, p) for d in days for pt, p in periods_of(d).items()})
    for hub in hubs:
        for period_type, period in periods:
            sent = max(1, round(rng.gauss(versions, 1)))
            for version in range(1, sent + 1):
                figures: dict[str, Any] = {}
                for name in figure_names:
                    value = int(rng.expovariate(1 / 40))
                    figures[name] = 0 if value == 0 else "*" if value < 8 else 5 * round(value / 5)
                data = {
                    "hub_id": hub.hub_id, "region": hub.region, "period_type": period_type, "period": period,
                    "report_version": version, "figures": figures, "final": version == sent,
                }  # fmt: skip
                yield new_envelope(
                    "HubPeriodReport",
                    data,
                    hub_id=hub.hub_id,
                    producer=f"reporting@{hub.hub_id}",
                    event_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                    occurred_at=datetime.combine(days[0], time(0), UTC),
                )
