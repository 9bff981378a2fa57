"""Who holds a case: a clinician takes one, hands one to a colleague or hands it back, a hub lead
gives any case to anyone, a case changes hands only with a reason; and finding a person's open
cases by their email, telephone number or name, each search audited without its words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet

from hubs.contracts import codes
from hubs.referral.adapters.personal_data import PersonalDataVault
from hubs.referral.domain import commands
from hubs.referral.domain.model import RiskScreen
from hubs.referral.service_layer import handlers
from hubs.referral.service_layer.context import ReferralContext
from hubs.runtime.auth import Principal
from hubs.runtime.refusals import Refusal

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
SAM = Principal("clinician-sam", "hub-a", frozenset({"clinician"}))
KIM = Principal("clinician-kim", "hub-a", frozenset({"clinician"}))
LEAD = Principal("lead-lou", "hub-a", frozenset({"hub-lead"}))


@pytest.fixture
def ctx() -> ReferralContext:
    return ReferralContext(hub_id="hub-a", vault=PersonalDataVault([Fernet.generate_key().decode()]))


def refer(uow, ctx, name="Canary Person-Q7X", email="canary.q7x@example.org", phone="07700 900123", at=NOW):
    cmd = commands.ReceiveReferral(
        personal=commands.PersonalDetails(name=name, email=email, phone=phone),
        risk_screen=RiskScreen(thoughts_of_self_harm=False, risk_to_others=False),
        consent=commands.Consent(given_by="self", given_at=at.isoformat(), method="online-form"),
    )
    return handlers.receive_referral(cmd, uow, ctx, now=at).referral.referral_id


def assign(uow, referral_id, actor, clinician, name="A Clinician", reason=None):
    cmd = commands.AssignCase(referral_id, clinician, name, reason)
    return handlers.assign_case(cmd, uow, actor, now=NOW + timedelta(hours=1))


def assignments(uow) -> list[dict]:
    return [e[1] for e in uow.outbox.events if e[0] == "CaseAssigned"]


def test_a_clinician_takes_a_case_and_it_is_announced_without_who(new_uow, ctx):
    uow = new_uow()
    referral_id = refer(uow, ctx)
    assign(uow, referral_id, SAM, SAM.subject, name="Sam Clinician")

    held = uow.referrals.get(referral_id)
    assert (held.assigned_to, held.assigned_to_name, held.assigned_at) == (
        "clinician-sam",
        "Sam Clinician",
        NOW + timedelta(hours=1),
    )
    [event] = assignments(uow)
    assert event == {
        "referral_id": referral_id,
        "assigned_at": NOW + timedelta(hours=1),
        "assigned": True,
        "reassignment": False,
        "reason": None,
    }
    assert "clinician-sam" not in repr(uow.outbox.events) and "Sam Clinician" not in repr(uow.outbox.events)


def test_taking_a_case_already_held_by_a_colleague_needs_a_reason_and_stores_nothing_without(new_uow, ctx):
    uow = new_uow()
    referral_id = refer(uow, ctx)
    assign(uow, referral_id, SAM, SAM.subject)

    with pytest.raises(Refusal) as refused:
        assign(uow, referral_id, KIM, KIM.subject)
    assert refused.value.status == 422 and "reason" in refused.value.errors
    assert uow.referrals.get(referral_id).assigned_to == "clinician-sam"
    assert len(assignments(uow)) == 1


def test_a_hub_lead_re_assigns_any_case_with_the_reason_code(new_uow, ctx):
    uow = new_uow()
    referral_id = refer(uow, ctx)
    assign(uow, referral_id, SAM, SAM.subject)
    assign(uow, referral_id, LEAD, KIM.subject, name="Kim Clinician", reason=codes.AssignmentReason.LEAVE)

    assert uow.referrals.get(referral_id).assigned_to_name == "Kim Clinician"
    last = assignments(uow)[-1]
    assert (last["assigned"], last["reassignment"], last["reason"]) == (True, True, codes.AssignmentReason.LEAVE)


def test_a_clinician_hands_a_case_they_hold_to_a_colleague_but_not_someone_elses(new_uow, ctx):
    uow = new_uow()
    held_by_sam, held_by_nobody = refer(uow, ctx), refer(uow, ctx, email="other@example.org", phone=None)
    assign(uow, held_by_sam, SAM, SAM.subject)

    assign(uow, held_by_sam, SAM, KIM.subject, reason=codes.AssignmentReason.SPECIALISM)
    assert uow.referrals.get(held_by_sam).assigned_to == "clinician-kim"
    for referral_id in (held_by_sam, held_by_nobody):
        with pytest.raises(Refusal) as refused:
            assign(uow, referral_id, SAM, "clinician-lee", reason=codes.AssignmentReason.LEAVE)
        assert refused.value.status == 403


def test_the_holder_hands_a_case_back_and_nobody_holds_it(new_uow, ctx):
    uow = new_uow()
    referral_id = refer(uow, ctx)
    assign(uow, referral_id, SAM, SAM.subject)

    with pytest.raises(Refusal) as refused:
        handlers.hand_back_case(commands.HandBackCase(referral_id), uow, KIM, now=NOW)
    assert refused.value.status == 403
    handlers.hand_back_case(commands.HandBackCase(referral_id), uow, SAM, now=NOW + timedelta(hours=2))

    held = uow.referrals.get(referral_id)
    assert (held.assigned_to, held.assigned_to_name, held.assigned_at) == (None, None, None)
    assert assignments(uow)[-1] == {
        "referral_id": referral_id,
        "assigned_at": NOW + timedelta(hours=2),
        "assigned": False,
        "reassignment": False,
        "reason": None,
    }
    with pytest.raises(Refusal) as again:
        handlers.hand_back_case(commands.HandBackCase(referral_id), uow, LEAD, now=NOW)
    assert again.value.status == 409


def test_a_closed_case_cannot_be_taken(new_uow, ctx):
    uow = new_uow()
    referral_id = refer(uow, ctx)
    handlers.close_referral(commands.CloseReferral(referral_id, codes.ClosureReason.CARE_COMPLETED), uow, now=NOW)
    with pytest.raises(Refusal) as refused:
        assign(uow, referral_id, SAM, SAM.subject)
    assert refused.value.status == 409


def search(uow, ctx, words, actor=SAM):
    found, _ = handlers.search_by_person(words, uow, ctx, actor, offset=0, limit=25)
    return [r.referral_id for r in found]


def test_a_person_is_found_by_email_phone_or_name_among_open_cases_only(new_uow, ctx):
    uow = new_uow()
    ada = refer(uow, ctx, name="Ada Lovelace", email="ada.l@example.org", phone="07700 900001")
    bo = refer(uow, ctx, name="Bo Diddley", email="bo.d@example.org", phone="07700 900002")
    gone = refer(uow, ctx, name="Ada Gone", email="ada.gone@example.org", phone="07700 900003")
    handlers.close_referral(commands.CloseReferral(gone, codes.ClosureReason.CARE_COMPLETED), uow, now=NOW)

    assert search(uow, ctx, " ADA.L@example.org ") == [ada]
    assert search(uow, ctx, "+44 7700 900002") == [bo]
    assert search(uow, ctx, "ada") == [ada]
    assert search(uow, ctx, "lovelace ADA") == [ada]
    assert search(uow, ctx, "ada.gone@example.org") == []
    assert search(uow, ctx, "nobody@example.org") == []


def test_every_search_is_audited_and_the_words_are_kept_nowhere(new_uow, ctx):
    uow = new_uow()
    refer(uow, ctx, name="Ada Lovelace", email="ada.l@example.org")
    search(uow, ctx, "ada.l@example.org")
    search(uow, ctx, "Lovelace")

    searches = [a for a in uow.referrals.audits if a["action"] == "search-personal-details"]
    assert [(a["subject"], a["purpose"]) for a in searches] == [("clinician-sam", "direct-care")] * 2
    assert "ada" not in repr(uow.referrals.audits).lower()
    assert "lovelace" not in repr(uow.referrals.audits).lower()
