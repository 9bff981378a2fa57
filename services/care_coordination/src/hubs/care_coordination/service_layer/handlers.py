"""Handlers of the care-coordination service: each carries out one command (`domain.commands`)
in one unit of work and writes its events to the outbox in the same transaction."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from hubs.care_coordination.domain import commands, model
from hubs.care_coordination.domain.directory import DirectoryQuery, DirectoryService, best_match, default_target_wait
from hubs.care_coordination.domain.events import CareEvent
from hubs.care_coordination.domain.feedback_links import NOT_ASKED, FeedbackLink, hash_of
from hubs.care_coordination.domain.model import Case, FollowUpAsked, MonitoringPlan, OnwardReferral
from hubs.care_coordination.service_layer.unit_of_work import CareUow
from hubs.contracts import codes
from hubs.runtime.refusals import NotFound, Refusal, Refused

__all__ = ["CarePolicy", "CaseNotFound", "LinkCannotBeUsed", "Refused"]


class CaseNotFound(NotFound):
    """No such record in this hub: a case, onward referral, monitoring plan or directory service."""

    def __init__(self) -> None:
        super().__init__("There is no such record in this hub.")


class LinkCannotBeUsed(Refusal):
    """A feedback link used already, expired or never given: said the same way for all three, so that
    the answer tells nobody whether a link ever existed."""

    def __init__(self) -> None:
        super().__init__(404, "This link cannot be used", "This link cannot be used.", code="feedback-link-unusable")


# What a rule of this service refuses says so; the errors name the fields.
RULES_REFUSE = "The hub's rules refuse this."


@contextlib.contextmanager
def _the_hubs_rules() -> Iterator[None]:
    """A case's rules refusing a change, said as the service refuses (a conflict says which rule)."""
    try:
        yield
    except model.Refused as exc:
        if exc.conflict:
            raise Refused(str(exc), errors=exc.errors, conflict=True, code="conflict") from exc
        raise Refused(RULES_REFUSE, errors=exc.errors) from exc


@dataclass(frozen=True)
class CarePolicy:
    """The hub's choices: contingency on a wait past target, and the default review interval."""

    wait_contingency: codes.ContingencyAction = codes.ContingencyAction.CHASED_SERVICE
    monitoring_review_days: int = 28


# The case activity that keeps the day an assessment was completed.
ASSESSMENT = "assessment"


def record_assessment(uow: CareUow, case: Case, assessment_id: uuid.UUID, completed_on: date) -> None:
    """Keep the day the case was assessed (inside an open unit of work): onward referrals
    are checked against it."""
    uow.activities.add(case.case_id, ASSESSMENT, completed_on, {"assessment_id": str(assessment_id)})


def assessed_on(uow: CareUow, case: Case) -> date | None:
    """The day the case's assessment was completed; None if it has not been assessed."""
    if case.assessment_id is None:
        return None
    days = [
        a["on_date"]
        for a in uow.activities.for_case(case.case_id)
        if a["kind"] == ASSESSMENT and a["detail"].get("assessment_id") == str(case.assessment_id)
    ]
    # Assessed before the hub kept the day: it cannot have been before the case opened.
    return min(days) if days else case.opened_at.date()


def _open_case(uow: CareUow, case_id: uuid.UUID) -> Case:
    case = uow.cases.get(case_id)
    if case is None or case.status == "transferred-out":
        raise CaseNotFound()
    return case


def _onward_referral(uow: CareUow, onward_referral_id: uuid.UUID) -> tuple[OnwardReferral, Case]:
    referral = uow.onward_referrals.get(onward_referral_id)
    if referral is None:
        raise CaseNotFound()
    return referral, _open_case(uow, referral.case_id)


def refer_on(
    uow: CareUow,
    case: Case,
    service_type: codes.ServiceType,
    made_on: date,
    *,
    directory_service: DirectoryService | None = None,
    assessment_id: uuid.UUID | None = None,
) -> OnwardReferral:
    """Make an onward referral inside an open unit of work (urgent cases refer urgently)."""
    case.expect_open()
    if directory_service is not None and directory_service.service_type is not service_type:
        raise Refused(
            RULES_REFUSE, errors={"directory_service_id": ["that directory service is of another service type"]}
        )
    referral = OnwardReferral.make(
        case.case_id,
        service_type,
        made_on,
        target_wait_days=directory_service.target_wait_days if directory_service else default_target_wait(service_type),
        directory_service_id=directory_service.directory_service_id if directory_service else None,
        assessment_id=assessment_id or case.assessment_id,
        urgency=case.urgency,
    )
    uow.onward_referrals.add(referral)
    return referral


@_the_hubs_rules()
def make_onward_referral(cmd: commands.MakeOnwardReferral, uow: CareUow) -> OnwardReferral:
    """Record an onward referral a clinician made and emit OnwardReferralMade; the case must have
    been assessed, on or before the day the referral was made."""
    with uow:
        case = _open_case(uow, cmd.case_id)
        case.expect_open()
        case.expect_assessed_by(cmd.made_on, assessed_on(uow, case))
        directory_service = None
        if cmd.directory_service_id is not None:
            directory_service = uow.directory.get(cmd.directory_service_id)
            if directory_service is None:
                raise Refused(
                    RULES_REFUSE, errors={"directory_service_id": ["no such service in this hub's directory"]}
                )
        referral = refer_on(uow, case, cmd.service_type, cmd.made_on, directory_service=directory_service)
        uow.commit()
    return referral


def _move_on(
    uow: CareUow,
    onward_referral_id: uuid.UUID,
    step: Callable[[OnwardReferral], None],
    follow_up_on: date | None = None,
) -> OnwardReferral:
    """Move an open case's onward referral one step on; `follow_up_on` asks for a follow-up that day."""
    with uow:
        referral, case = _onward_referral(uow, onward_referral_id)
        case.expect_open()
        step(referral)
        uow.onward_referrals.save(referral)
        if follow_up_on is not None:
            _ask_follow_up(uow, FollowUpAsked.ask(case.case_id, follow_up_on))
        uow.commit()
    return referral


@_the_hubs_rules()
def accept_onward_referral(cmd: commands.AcceptOnwardReferral, uow: CareUow) -> OnwardReferral:
    """The service accepted the onward referral (OnwardReferralAccepted)."""
    return _move_on(uow, cmd.onward_referral_id, lambda r: r.accept(cmd.accepted_on, cmd.expected_start_on))


@_the_hubs_rules()
def decline_onward_referral(cmd: commands.DeclineOnwardReferral, uow: CareUow) -> OnwardReferral:
    """The service declined the onward referral (OnwardReferralDeclined)."""
    return _move_on(uow, cmd.onward_referral_id, lambda r: r.decline(cmd.declined_on, cmd.reason))


@_the_hubs_rules()
def start_treatment(cmd: commands.StartTreatment, uow: CareUow) -> OnwardReferral:
    """Treatment started: the wait ends (TreatmentStarted)."""
    return _move_on(uow, cmd.onward_referral_id, lambda r: r.start_treatment(cmd.started_on))


@_the_hubs_rules()
def end_treatment(cmd: commands.EndTreatment, uow: CareUow) -> OnwardReferral:
    """Treatment ended (TreatmentEnded); a follow-up is asked for that day, so that the outcome of
    treatment is measured."""
    return _move_on(
        uow, cmd.onward_referral_id, lambda r: r.end_treatment(cmd.ended_on, cmd.reason), follow_up_on=cmd.ended_on
    )


def signpost(
    uow: CareUow,
    case: Case,
    service_types: list[codes.ServiceType],
    on: date,
    directory: list[DirectoryService],
    assessment_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """Signpost to service types, naming the best directory service of each where there is one."""
    case.expect_open()
    service_types = list(dict.fromkeys(service_types))
    matches = [best_match(directory, t, case.competencies_wanted) for t in service_types]
    ids = [m.directory_service_id for m in matches if m is not None]
    signposting_id = uuid.uuid4()
    detail = {"service_types": [t.value for t in service_types], "directory_service_ids": [str(i) for i in ids]}
    uow.activities.add(case.case_id, "signposting", on, detail, activity_id=signposting_id)
    data = {
        "signposting_id": signposting_id,
        "signposted_on": on,
        "service_types": service_types,
        "directory_service_ids": ids,
        "assessment_id": assessment_id,
    }
    uow.outbox.add("Signposted", data, case_id=case.case_id)
    return signposting_id


@_the_hubs_rules()
def signpost_case(cmd: commands.Signpost, uow: CareUow) -> uuid.UUID:
    """A clinician signposts the person (self-help, peer support, third-sector services)."""
    with uow:
        case = _open_case(uow, cmd.case_id)
        directory = uow.directory.all()
        signposting_id = signpost(uow, case, cmd.service_types, cmd.signposted_on, directory, case.assessment_id)
        uow.commit()
    return signposting_id


def _ask_follow_up(uow: CareUow, asked: FollowUpAsked) -> None:
    detail = {"measures_due": [m.value for m in asked.measures_due], "monitoring_plan_id": asked.monitoring_plan_id}
    uow.activities.add(asked.case_id, "follow-up-due", asked.due_on, detail, activity_id=asked.follow_up_id)
    uow.outbox.add("FollowUpDue", asked.event().to_data(), case_id=asked.case_id)


@_the_hubs_rules()
def liaise_with_occupational_health(cmd: commands.LiaiseWithOccupationalHealth, uow: CareUow) -> CareEvent:
    """Record a liaison with Occupational Health; refused without the person's consent. The advice
    given is kept with the case's activity only: it never goes out in the event."""
    with uow:
        case = _open_case(uow, cmd.case_id)
        liaison = case.liaise_with_occupational_health(cmd.liaised_on)
        detail = {"advice": cmd.advice} if cmd.advice else {}
        liaison_id = liaison.data["liaison_id"]
        uow.activities.add(cmd.case_id, "occupational-health-liaison", cmd.liaised_on, detail, liaison_id)
        uow.commit()
    return liaison


@_the_hubs_rules()
def start_monitoring(cmd: commands.StartMonitoring, uow: CareUow) -> MonitoringPlan:
    """Start monitoring a case at a review interval (MonitoringStarted)."""
    with uow:
        case = _open_case(uow, cmd.case_id)
        plan = begin_monitoring(uow, case, cmd.started_on, cmd.review_interval_days, cmd.measures, cmd.planned_end_on)
        uow.commit()
    return plan


def begin_monitoring(
    uow: CareUow, case, started_on, review_interval_days, measures=(), planned_end_on=None
) -> MonitoringPlan:
    """Start monitoring inside an open unit of work."""
    case.expect_open()
    plan = MonitoringPlan.start(case.case_id, started_on, review_interval_days, tuple(measures), planned_end_on)
    uow.monitoring_plans.add(plan)
    return plan


@_the_hubs_rules()
def end_monitoring(cmd: commands.EndMonitoring, uow: CareUow) -> MonitoringPlan:
    """End a monitoring plan (MonitoringEnded)."""
    with uow:
        plan = uow.monitoring_plans.get(cmd.monitoring_plan_id)
        if plan is None:
            raise CaseNotFound()
        _open_case(uow, plan.case_id)
        plan.end_as_recorded(cmd.ended_on)
        uow.monitoring_plans.save(plan)
        uow.commit()
    return plan


@_the_hubs_rules()
def close_episode(cmd: commands.CloseEpisode, uow: CareUow, now: datetime | None = None) -> Case:
    """Close the episode of care with a reason; active monitoring ends with it."""
    with uow:
        case = _open_case(uow, cmd.case_id)
        close_case(uow, case, cmd.reason, now or datetime.now(UTC))
        uow.commit()
    return case


@dataclass(frozen=True)
class GivenLink:
    """A feedback link just given: the token, shown once and never kept, and the last day it works."""

    token: str
    expires_on: date


@_the_hubs_rules()
def close_episode_offering_feedback(
    cmd: commands.CloseEpisode, uow: CareUow, hub_id: str, now: datetime | None = None
) -> tuple[Case, GivenLink | None]:
    """Close the episode, and give the person a one-use feedback link in the same transaction
    (not when they withdrew or moved to another hub)."""
    with uow:
        case = _open_case(uow, cmd.case_id)
        close_case(uow, case, cmd.reason, now or datetime.now(UTC))
        given = _give_link(uow, case, hub_id)
        uow.commit()
    return case, given


@_the_hubs_rules()
def give_feedback_link(cmd: commands.GiveFeedbackLink, uow: CareUow, hub_id: str) -> GivenLink:
    """A feedback link for an episode that closed without one (closed by the referral's closure,
    which reached this service first): once per case, and only once it is closed."""
    with uow:
        case = _open_case(uow, cmd.case_id)
        if case.open:
            raise Refused("Close the episode first.", errors={"case": ["the episode is open"]}, conflict=True)
        given = _give_link(uow, case, hub_id)
        if given is None:
            raise Refused(
                "A feedback link cannot be given for this case.",
                errors={"case": ["a feedback link was given already, or the person is not asked at this closure"]},
                conflict=True,
            )
        uow.commit()
    return given


def _give_link(uow: CareUow, case: Case, hub_id: str) -> GivenLink | None:
    if case.feedback_link_given or case.closure_reason is None or case.closure_reason.value in NOT_ASKED:
        return None
    token, link = FeedbackLink.issue(hub_id, case.closed_at.date() if case.closed_at else datetime.now(UTC).date())
    uow.feedback_links.add(link)
    case.feedback_link_given = True
    uow.cases.save(case)
    return GivenLink(token, link.expires_on)


def close_case(uow: CareUow, case: Case, reason: codes.ClosureReason, at: datetime) -> None:
    """Close inside an open unit of work."""
    plans = uow.monitoring_plans.for_case(case.case_id)
    case.close(reason, at, plans)
    for plan in plans:
        if plan.events:
            uow.monitoring_plans.save(plan)
    uow.cases.save(case)


def close_on_withdrawal(uow: CareUow, case: Case, at: datetime) -> None:
    """The referral was withdrawn (inside an open unit of work): onward referrals still waiting are
    called off, monitoring ends and the episode closes as withdrawn. The referral is withdrawn
    already, so the EpisodeClosed emitted here finds nothing open to close there: no loop."""
    for onward in uow.onward_referrals.for_case(case.case_id):
        if onward.withdraw(at.date()):
            uow.onward_referrals.save(onward)
    close_case(uow, case, codes.ClosureReason.WITHDRAWN, at)


@_the_hubs_rules()
def case_record(case_id: uuid.UUID, uow: CareUow) -> dict[str, Any]:
    """Everything care co-ordination holds on a case."""
    with uow:
        case = _open_case(uow, case_id)
        return {
            "case": case,
            "onward_referrals": uow.onward_referrals.for_case(case_id),
            "monitoring_plans": uow.monitoring_plans.for_case(case_id),
            "activities": uow.activities.for_case(case_id),
        }


@_the_hubs_rules()
def give_feedback(cmd: commands.GiveFeedback, uow: CareUow) -> uuid.UUID:
    """Anonymous service-user feedback: scores go out as an event, the comment stays here."""
    with uow:
        feedback_id = _record_feedback(uow, cmd)
        uow.commit()
    return feedback_id


def give_feedback_by_link(cmd: commands.GiveFeedbackByLink, uow: CareUow, today: date) -> uuid.UUID:
    """Feedback the person gave through their link: the link is used up in the same transaction as
    the feedback is kept, so it takes one answer only; given today, at closure. Nothing of the link
    goes with the feedback or its event."""
    with uow:
        if not uow.feedback_links.use(hash_of(cmd.token), today):
            raise LinkCannotBeUsed()
        answers = {name: value for name, value in vars(cmd).items() if name != "token"}
        given = commands.GiveFeedback(today, codes.FeedbackStage.AT_CLOSURE, **answers)
        feedback_id = _record_feedback(uow, given)
        uow.commit()
    return feedback_id


def _record_feedback(uow: CareUow, feedback: commands.GiveFeedback) -> uuid.UUID:
    feedback_id = uuid.uuid4()
    scores = {
        "felt_listened_to": feedback.felt_listened_to,
        "easy_to_access": feedback.easy_to_access,
        "helped": feedback.helped,
        "confidentiality_trusted": feedback.confidentiality_trusted,
    }
    given = {
        "feedback_id": feedback_id,
        "given_on": feedback.given_on,
        "stage": feedback.stage,
        "overall_experience": feedback.overall_experience,
    }
    event = given | scores
    uow.feedback.add(given | {"scores": scores, "comment": feedback.comment})
    uow.outbox.add("ServiceUserFeedbackGiven", event, aggregate_id=str(feedback_id))
    return feedback_id


@_the_hubs_rules()
def add_directory_service(cmd: commands.AddDirectoryService, uow: CareUow) -> DirectoryService:
    """Add a service to the hub's directory."""
    service = DirectoryService.add(**vars(cmd))
    with uow:
        uow.directory.add(service)
        uow.commit()
    return service


@_the_hubs_rules()
def update_directory_service(cmd: commands.UpdateDirectoryService, uow: CareUow) -> DirectoryService:
    """Change a directory entry (target wait, competencies, how to refer, active...)."""
    with uow:
        service = uow.directory.get(cmd.directory_service_id)
        if service is None:
            raise CaseNotFound()
        for name, value in vars(cmd).items():
            setattr(service, name, value)
        uow.directory.save(service)
        uow.commit()
    return service


@_the_hubs_rules()
def search_directory(query: DirectoryQuery, uow: CareUow) -> list[DirectoryService]:
    """Active services matching the query, by name."""
    with uow:
        return [s for s in uow.directory.all() if query.matches(s)]


def waits(uow: CareUow, today: date, over_target_only: bool = False) -> list[tuple[OnwardReferral, int]]:
    """Onward referrals still waiting for treatment, with days waited; longest first."""
    with uow:
        waiting = uow.onward_referrals.waiting()
    rows = [(r, r.waited_days(today)) for r in waiting if not over_target_only or r.over_target(today)]
    return sorted(rows, key=lambda row: -row[1])
