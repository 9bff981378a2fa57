"""Handlers of the assessment service. Command handlers run one unit of work each; event
handlers run inside the consumer's unit of work (it records the event id and commits) and
never commit themselves. An assessment's new events go to the outbox when the unit of work
commits, with the change that caused them."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from hubs.assessment.domain import commands, model
from hubs.assessment.domain.case_notes import CaseNote
from hubs.assessment.domain.events import RiskEscalated
from hubs.assessment.domain.measures import MeasureError, MeasureSet, ScoringRules, score
from hubs.assessment.domain.model import Assessment, Completion, Demographics, FollowUp
from hubs.assessment.domain.outcomes import Outcomes
from hubs.assessment.domain.risk_history import Occasion, RiskEscalation
from hubs.assessment.service_layer.unit_of_work import AssessmentUow
from hubs.contracts import codes
from hubs.runtime.auth import Principal
from hubs.runtime.consumer import PoisonMessage
from hubs.runtime.refusals import NotFound, Refused


class CaseNotFound(NotFound):
    """No such case in this hub (a case of another hub does not exist here either)."""

    def __init__(self) -> None:
        super().__init__("There is no such case in this hub.")


@contextlib.contextmanager
def _the_hubs_rules() -> Iterator[None]:
    """The assessment's rules refusing a change, said as the service refuses: a conflict's detail
    says why in words ("First contact ... must be recorded"), its errors name the field."""
    try:
        yield
    except model.Refused as exc:
        if exc.conflict:
            detail = " ".join(message for messages in exc.errors.values() for message in messages)
            raise Refused(detail, errors=exc.errors, conflict=True, code="conflict") from exc
        raise Refused("The hub's rules refuse this.", errors=exc.errors) from exc


def _scored(responses: Mapping[str, Any], rules: ScoringRules) -> MeasureSet:
    try:
        return score(responses, rules)
    except MeasureError as exc:
        raise Refused("The measures cannot be scored.", errors={"measures": exc.errors}) from exc


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _keep_escalations(
    uow: AssessmentUow, assessment: Assessment, occasion: Occasion, by: str, by_name: str | None
) -> None:
    """Each escalation the change raised goes into the case's risk history, in its transaction,
    with who made it (the event itself carries codes only)."""
    for event in assessment.events:
        if isinstance(event, RiskEscalated):
            uow.risk_escalations.add(RiskEscalation.of(event, assessment.case_id, occasion, by=by, by_name=by_name))


def _assessment_of(uow: AssessmentUow, case_id: uuid.UUID) -> Assessment:
    assessment = uow.assessments.for_case(case_id)
    if assessment is None or assessment.status == "transferred-out":
        raise CaseNotFound()
    return assessment


@_the_hubs_rules()
def complete_assessment(
    cmd: commands.CompleteAssessment, uow: AssessmentUow, rules: ScoringRules, now: datetime | None = None
) -> Assessment:
    """Score the measures, judge risk, check the decision and sign off; emits the events."""
    measures = _scored(cmd.responses, rules)
    at = _now(now)
    if cmd.occupational_health_consent and cmd.occupational_health_consent_recorded_at is None:
        consent_at: datetime | None = at
    else:
        consent_at = cmd.occupational_health_consent_recorded_at if cmd.occupational_health_consent else None
    with uow:
        assessment = _assessment_of(uow, cmd.case_id)
        assessment.complete(
            Completion(
                practitioners=cmd.practitioners,
                measures=measures,
                clinician_risk=cmd.clinician_risk,
                work_situation=cmd.work_situation,
                outcome=cmd.outcome,
                signed_off_by=cmd.signed_off_by,
                completed_at=at,
                occupational_health_consent_recorded_at=consent_at,
                demographics=cmd.demographics,
            )
        )
        uow.assessments.save(assessment)
        _keep_escalations(uow, assessment, Occasion.ASSESSMENT, cmd.signed_off_by, cmd.signed_off_by_name)
        if cmd.outcome.reasons:
            uow.reasons.keep(assessment.case_id, cmd.outcome.reasons)  # sealed, apart from the record
        uow.commit()
    return assessment


def _audit(uow: AssessmentUow, actor: Principal, case_id: uuid.UUID | None, action: str, purpose: str) -> None:
    uow.reasons.audit(
        subject=actor.subject,
        roles=",".join(sorted(actor.roles)),
        hub_id=actor.hub_id,
        case_id=case_id,
        action=action,
        purpose=purpose,
    )


def read_outcome_reasons(case_id: uuid.UUID, uow: AssessmentUow, actor: Principal, purpose: str) -> dict[str, Any]:
    """The reasons for the case's outcome; the read is audited (who, when, which case, why) in the
    same transaction, so no reasons are shown without their audit record."""
    with uow:
        _assessment_of(uow, case_id)
        reasons, erased_at = uow.reasons.read(case_id)
        _audit(uow, actor, case_id, "read-outcome-reasons", purpose)
        uow.commit()
    return {"case_id": case_id, "reasons": reasons, "erased_at": erased_at}


def erase_outcome_reasons(
    case_id: uuid.UUID, uow: AssessmentUow, actor: Principal, now: datetime | None = None
) -> dict[str, Any]:
    """Erase the reasons for the case's outcome at the person's request; the coded record stays."""
    at = _now(now)
    with uow:
        _assessment_of(uow, case_id)
        uow.reasons.erase([case_id], at)
        _audit(uow, actor, case_id, "erase-outcome-reasons", "erasure-request")
        uow.commit()
    return {"case_id": case_id, "reasons": None, "erased_at": at}


def erase_expired_reasons(uow: AssessmentUow, retention: timedelta, now: datetime | None = None) -> int:
    """Erase the outcome reasons and case notes of cases closed longer ago than the retention
    period (the referral service erases the person's details on the same rule); how many went."""
    cut_off = _now(now) - retention
    with uow:
        due = [a.case_id for a in uow.assessments.with_status("closed") if a.closed_at and a.closed_at < cut_off]
        erased = uow.reasons.erase(due, _now(now)) + uow.notes.erase(due, _now(now))
        uow.commit()
    return erased


def reasons_access_audit(uow: AssessmentUow, actor: Principal, **filters: Any) -> list[dict[str, Any]]:
    """Who read or erased outcome reasons, for the hub lead; looking at the audit is audited too."""
    with uow:
        records = uow.reasons.audit_records(**filters)
        _audit(uow, actor, None, "read-access-audit", "audit")
        uow.commit()
    return records


@_the_hubs_rules()
def write_case_note(cmd: commands.WriteCaseNote, uow: AssessmentUow, now: datetime | None = None) -> CaseNote:
    """Add a note to the case's record, its text sealed; a correction names a note of the case."""
    with uow:
        _assessment_of(uow, cmd.case_id)
        correcting = None
        if cmd.corrects is not None:
            correcting = uow.notes.get(cmd.corrects)
            if correcting is None or correcting.case_id != cmd.case_id:
                raise model.Refused({"corrects": ["There is no such note on this case to correct."]})
        note = CaseNote.write(
            cmd.case_id,
            cmd.kind,
            cmd.text,
            by=cmd.written_by,
            by_name=cmd.written_by_name,
            at=_now(now),
            correcting=correcting,
        )
        uow.notes.add(note)
        uow.commit()
    return note


def read_case_notes(case_id: uuid.UUID, uow: AssessmentUow, actor: Principal, purpose: str) -> list[CaseNote]:
    """The case's notes, newest first; the read is audited (who, when, which case, why) in the
    same transaction, as a read of the outcome reasons is, so no note is shown without its record."""
    with uow:
        _assessment_of(uow, case_id)
        notes = uow.notes.for_case(case_id)
        _audit(uow, actor, case_id, "read-case-notes", purpose)
        uow.commit()
    return notes


@_the_hubs_rules()
def record_follow_up(
    cmd: commands.RecordFollowUp, uow: AssessmentUow, rules: ScoringRules, now: datetime | None = None
) -> FollowUp:
    """Take follow-up measures; emits FollowUpMeasured with the case's outcomes so far."""
    measures = _scored(cmd.responses, rules)
    with uow:
        assessment = _assessment_of(uow, cmd.case_id)
        if cmd.follow_up_id is not None:
            follow_up = uow.follow_ups.get(cmd.follow_up_id)
            if follow_up is None or follow_up.case_id != cmd.case_id:
                raise CaseNotFound()
            is_new = False
        else:
            follow_up, is_new = FollowUp(uuid.uuid4(), cmd.case_id, None, ()), True
        at = _now(now)
        assessment.record_follow_up(
            follow_up, measures, cmd.measured_at or at, cmd.work_situation, cmd.clinician_risk, now=at
        )
        (uow.follow_ups.add if is_new else uow.follow_ups.save)(follow_up)
        uow.assessments.save(assessment)
        _keep_escalations(uow, assessment, Occasion.FOLLOW_UP, cmd.measured_by, cmd.measured_by_name)
        uow.commit()
    return follow_up


@_the_hubs_rules()
def escalate_risk(cmd: commands.EscalateRisk, uow: AssessmentUow, now: datetime | None = None) -> Assessment:
    """Escalate a clinician's judgement of risk; the case goes on the urgent path, and the
    escalation into its risk history."""
    with uow:
        assessment = _assessment_of(uow, cmd.case_id)
        assessment.escalate_risk(cmd.clinician_risk, _now(now))
        uow.assessments.save(assessment)
        _keep_escalations(uow, assessment, Occasion.BETWEEN_SITTINGS, cmd.escalated_by, cmd.escalated_by_name)
        uow.commit()
    return assessment


def risk_history(case_id: uuid.UUID, uow: AssessmentUow) -> list[RiskEscalation]:
    """Every escalation of the case's risk, newest first; CaseNotFound if this hub has no such case."""
    with uow:
        _assessment_of(uow, case_id)
        return uow.risk_escalations.for_case(case_id)


def assessment_of_case(case_id: uuid.UUID, uow: AssessmentUow) -> Assessment:
    """The case's assessment; CaseNotFound if this hub has no such case."""
    with uow:
        return _assessment_of(uow, case_id)


def case_outcomes(case_id: uuid.UUID, uow: AssessmentUow) -> tuple[Assessment, list[FollowUp], Outcomes | None]:
    """The case's assessment, its follow-ups and its outcomes from the first and latest measures."""
    with uow:
        assessment = _assessment_of(uow, case_id)
        follow_ups = uow.follow_ups.for_case(case_id)
    measured = [f for f in follow_ups if f.measures is not None and f.measures.phq9 and f.measures.gad7]
    latest = measured[-1].measures if measured else None
    return assessment, follow_ups, assessment.outcomes_against(latest) if latest else None


def on_referral_received(event: Mapping[str, Any], uow: AssessmentUow) -> None:
    """A referral becomes an assessment to do (once per case), with the referral's equality answers."""
    case_id, data = event["case_id"], event["data"]
    if uow.assessments.for_case(case_id) is not None:
        return
    uow.assessments.add(
        Assessment.to_do(case_id, data["urgency"], data["received_at"], data["referral_id"], Demographics.of(data))
    )


def on_first_contact_made(event: Mapping[str, Any], uow: AssessmentUow) -> None:
    """The hub reached the person (the referral service records contact): the case can be assessed."""
    assessment = uow.assessments.for_case(event["case_id"])
    if assessment is None:
        raise PoisonMessage("first contact was made for a case this hub never received")
    assessment.record_first_contact(event["data"]["contacted_at"])
    uow.assessments.save(assessment)


def on_referral_transferred_out(event: Mapping[str, Any], uow: AssessmentUow) -> None:
    """The case moved to another hub: from now on it does not exist here."""
    assessment = uow.assessments.for_case(event["case_id"])
    if assessment is not None:
        assessment.status = "transferred-out"
        uow.assessments.save(assessment)


def on_referral_withdrawn(event: Mapping[str, Any], uow: AssessmentUow) -> None:
    """The person withdrew: the case leaves the to-do list and the follow-ups due."""
    _close_case(event, uow, codes.ClosureReason.WITHDRAWN, event["data"]["withdrawn_at"])


def on_referral_closed(event: Mapping[str, Any], uow: AssessmentUow) -> None:
    """The referral was closed (wherever the closure started: care's closures close it too): the
    case leaves the to-do list and the follow-ups due."""
    _close_case(event, uow, event["data"]["reason"], event["data"]["closed_at"])


def _close_case(event: Mapping[str, Any], uow: AssessmentUow, reason: codes.ClosureReason, at: datetime) -> None:
    # A case closed already (a withdrawal is followed by its ReferralClosed), moved to another hub or
    # never seen here is left alone, so a redelivery changes nothing.
    assessment = uow.assessments.for_case(event["case_id"])
    if assessment is not None and assessment.close_case(reason, at):
        uow.assessments.save(assessment)


# The purpose an erasure made in the referral service is audited with here.
ERASURE_PURPOSES = {codes.ErasureReason.PERSON_REQUESTED: "erasure-request", codes.ErasureReason.RETENTION: "retention"}


def on_personal_data_erased(event: Mapping[str, Any], uow: AssessmentUow) -> None:
    """The person's details were erased in the referral service (at their request, or once the
    closed referral's retention passed): the reasons for the case's outcome and the text of its
    notes go too, whatever became of the case here, and each erasure is audited as the API's is,
    the referral service as who erased. A case this hub never saw, or text erased already, leave
    nothing to do."""
    case_id, at = event["case_id"], _now(None)
    if uow.assessments.for_case(case_id) is None:
        return
    for erased, action in (
        (uow.reasons.erase([case_id], at), "erase-outcome-reasons"),
        (uow.notes.erase([case_id], at), "erase-case-notes"),
    ):
        if erased:
            uow.reasons.audit(
                subject=event["producer"],
                roles="",
                hub_id=event["hub_id"],
                case_id=case_id,
                action=action,
                purpose=ERASURE_PURPOSES[codes.ErasureReason(event["data"]["reason"])],
            )


def on_follow_up_due(event: Mapping[str, Any], uow: AssessmentUow) -> None:
    """Care co-ordination asks for follow-up measures: the follow-up shows as due."""
    data = event["data"]
    assessment = uow.assessments.for_case(event["case_id"])
    if assessment is None:
        raise PoisonMessage("a follow-up is due for a case this hub never assessed")
    if assessment.status == "closed":
        return  # asked just before the case closed (care stops asking once it knows): nothing is due
    if uow.follow_ups.get(data["follow_up_id"]) is not None:
        return
    uow.follow_ups.add(
        FollowUp(
            follow_up_id=data["follow_up_id"],
            case_id=event["case_id"],
            due_on=data["due_on"],
            measures_due=tuple(data["measures_due"]),
            monitoring_plan_id=data["monitoring_plan_id"],
        )
    )


EVENT_HANDLERS = {
    "ReferralReceived": on_referral_received,
    "FirstContactMade": on_first_contact_made,
    "ReferralTransferredOut": on_referral_transferred_out,
    "ReferralWithdrawn": on_referral_withdrawn,
    "ReferralClosed": on_referral_closed,
    "PersonalDataErased": on_personal_data_erased,
}
CARE_EVENT_HANDLERS = {"FollowUpDue": on_follow_up_due}

__all__ = ["CARE_EVENT_HANDLERS", "EVENT_HANDLERS", "CaseNotFound", "Refused"]
