"""How care co-ordination reacts to other services' events, and the periodic check of
waits and follow-ups. Event handlers run inside the consumer's unit of work (it records the
event id and commits) and never commit themselves."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hubs.care_coordination.domain.directory import best_match
from hubs.care_coordination.domain.model import Case, competencies_for
from hubs.care_coordination.service_layer import handlers
from hubs.care_coordination.service_layer.unit_of_work import CareUow
from hubs.contracts import codes
from hubs.contracts.events.assessment import MEASURE_FIELDS
from hubs.runtime.consumer import PoisonMessage

log = logging.getLogger(__name__)

Event = Mapping[str, Any]


def on_referral_received(event: Event, uow: CareUow) -> None:
    """A referral opens a case, with the competencies its demographics codes suggest."""
    if uow.cases.get(event["case_id"]) is not None:
        return
    data = event["data"]
    uow.cases.add(
        Case(
            case_id=event["case_id"],
            opened_at=data["received_at"],
            urgency=data["urgency"],
            competencies_wanted=competencies_for(data),
        )
    )


def on_referral_transferred_out(event: Event, uow: CareUow) -> None:
    """The case moved to another hub: from now on it does not exist here."""
    case = uow.cases.get(event["case_id"])
    if case is not None and case.open:
        case.status = "transferred-out"
        uow.cases.save(case)


def on_referral_withdrawn(event: Event, uow: CareUow) -> None:
    """The person withdrew (or withdrew consent): close their open episode as withdrawn. An episode
    already closed, or a case never seen here, is left alone, so a redelivery changes nothing."""
    case = uow.cases.get(event["case_id"])
    if case is None or not case.open:
        return
    handlers.close_on_withdrawal(uow, case, event["data"]["withdrawn_at"])


def on_referral_closed(event: Event, uow: CareUow) -> None:
    """The referral service closed the case: its open episode closes with the same reason, monitoring
    ends (so no more follow-ups are asked) and EpisodeClosed goes out, once. An episode already closed
    (by this service, whose EpisodeClosed made the referral close, or by an earlier delivery), a case
    never seen here or one that moved to another hub is left alone: nothing goes back, so no loop."""
    case = uow.cases.get(event["case_id"])
    if case is None or not case.open:
        return
    data = event["data"]
    reason: codes.ClosureReason = data["reason"]
    if reason is codes.ClosureReason.WITHDRAWN:
        # ReferralWithdrawn comes first on the same topic and has closed the episode already; should it
        # ever not have, the closure is still a withdrawal: waiting onward referrals are called off.
        handlers.close_on_withdrawal(uow, case, data["closed_at"])
    elif reason is codes.ClosureReason.TRANSFERRED_TO_ANOTHER_HUB:
        # Likewise after ReferralTransferredOut: the case now belongs to the other hub.
        on_referral_transferred_out(event, uow)
    else:
        # Referrals and episodes close with the contracts' one code list: the reason carries over as it is.
        handlers.close_case(uow, case, reason, data["closed_at"])


def on_risk_escalated(event: Event, uow: CareUow) -> None:
    """A raised risk puts the case on the urgent path."""
    case = _case(event, uow)
    case.escalate()
    uow.cases.save(case)


def _case(event: Event, uow: CareUow) -> Case:
    case = uow.cases.get(event["case_id"])
    if case is None:
        # The assessment topic can be read before the referral topic: open the case here.
        case = Case(event["case_id"], event["occurred_at"])
        uow.cases.add(case)
    return case


def make_on_assessment_completed(policy: handlers.CarePolicy) -> Callable[[Event, Any], None]:
    """The handler that carries out an assessment's outcome decisions."""

    def on_assessment_completed(event: Event, uow) -> None:
        """Signpost, refer on, start monitoring or close, as the assessment decided."""
        data, case = event["data"], _case(event, uow)
        if not case.open and _overtaken(case, data["completed_at"]):
            # The withdrawal or closure overtook an assessment on its way (another topic): nothing is
            # done for a case that has ended, and the event is not a fault.
            log.info("assessment of a closed case not acted on")
            return
        if not case.open:
            raise PoisonMessage("an assessment completed for a case whose episode is not open")
        decided = set(data["outcome_decisions"])
        completed_on = data["completed_at"].date()
        case.assessment_id = data["assessment_id"]
        handlers.record_assessment(uow, case, data["assessment_id"], completed_on)
        case.measures_taken = tuple(m for m, name in MEASURE_FIELDS.items() if data["measures"].get(name))
        if data["occupational_health_consent"]:
            case.occupational_health_consent_recorded_at = (
                data["occupational_health_consent_recorded_at"] or (data["completed_at"])
            )
        if data["risk_level"] is codes.RiskLevel.HIGH:
            case.escalate()
        uow.cases.save(case)
        directory = uow.directory.all()
        if codes.OutcomeDecision.SIGNPOST in decided:
            handlers.signpost(uow, case, data["signpost_to"], completed_on, directory, data["assessment_id"])
        if codes.OutcomeDecision.REFER_ON in decided:
            for service_type in dict.fromkeys(data["refer_on_to"]):
                match = best_match(directory, service_type, case.competencies_wanted)
                handlers.refer_on(
                    uow, case, service_type, completed_on, directory_service=match, assessment_id=data["assessment_id"]
                )
        if codes.OutcomeDecision.MONITOR in decided:
            interval = data["monitoring_review_interval_days"] or policy.monitoring_review_days
            measures = [m for m in case.measures_taken if m in (codes.Measure.PHQ_9, codes.Measure.GAD_7)]
            handlers.begin_monitoring(uow, case, completed_on, interval, tuple(measures))
        if codes.OutcomeDecision.NO_FURTHER_ACTION in decided:
            handlers.close_case(uow, case, codes.ClosureReason.NO_FURTHER_ACTION, data["completed_at"])

    return on_assessment_completed


def _overtaken(case: Case, completed_at) -> bool:
    """A withdrawal ends everything; any other closure only what was done before it."""
    if case.closure_reason is codes.ClosureReason.WITHDRAWN:
        return True
    return case.closed_at is not None and completed_at <= case.closed_at


def check_due(uow: CareUow, today: date, policy: handlers.CarePolicy) -> dict[str, int]:
    """Escalate every wait past its target (WaitEscalated, once each) and ask for every
    monitoring follow-up that has come due (FollowUpDue). Safe to run as often as wanted."""
    escalated = asked = 0
    with uow:
        for referral in uow.onward_referrals.waiting():
            case = uow.cases.get(referral.case_id)
            if case is None or not case.open:
                continue
            if referral.escalate_if_over_target(today, policy.wait_contingency):
                uow.onward_referrals.save(referral)
                escalated += 1
        for plan in uow.monitoring_plans.active_due_by(today):
            case = uow.cases.get(plan.case_id)
            if case is None or not case.open:
                continue
            for follow_up in plan.follow_ups_due(today):
                handlers._ask_follow_up(uow, follow_up)
                asked += 1
            uow.monitoring_plans.save(plan)
        uow.commit()
    return {"waits_escalated": escalated, "follow_ups_asked": asked}


@dataclass
class Throttled:
    """Runs `job` at most once every `every_seconds` (the worker calls it about twice a second)."""

    job: Callable[[], object]
    every_seconds: float
    clock: Callable[[], float] = time.monotonic
    _last: float | None = field(default=None, init=False)

    def __call__(self) -> None:
        now = self.clock()
        if self._last is not None and now - self._last < self.every_seconds:
            return
        self._last = now
        result = self.job()
        if result:
            log.info("due check", extra=result if isinstance(result, dict) else {})


def event_handlers(policy: handlers.CarePolicy) -> dict[str, Callable[[Event, Any], None]]:
    """Handlers by event type, for the worker's consumers."""
    return {
        "ReferralReceived": on_referral_received,
        "ReferralTransferredOut": on_referral_transferred_out,
        "ReferralWithdrawn": on_referral_withdrawn,
        "ReferralClosed": on_referral_closed,
        "AssessmentCompleted": make_on_assessment_completed(policy),
        "RiskEscalated": on_risk_escalated,
    }
