"""Case notes, through the handlers with the service's fake unit of work: written by a clinician
with who and when, only ever added (a correction is a new note), shown only with an audit record
of the read, and erased with the case."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from hubs.assessment.domain import commands
from hubs.assessment.service_layer import handlers
from hubs.contracts import codes
from hubs.runtime.refusals import Refused

from .test_assessment_handlers import CLINICIAN, NOW, FakeUnitOfWork, apply, personal_data_erased, referral_closed

SAFEGUARDING = "Canary note: disclosed a child at home is at risk; MASH referral made today."


@pytest.fixture
def uow():
    return FakeUnitOfWork()


def referred(uow) -> uuid.UUID:
    """A case this hub received: its record can take notes from then on."""
    received = {"urgency": codes.Urgency.ROUTINE, "received_at": NOW - timedelta(days=2), "referral_id": uuid.uuid4()}
    event = {"case_id": uuid.uuid4(), "data": received}
    handlers.on_referral_received(event, uow)
    return event["case_id"]


@pytest.fixture
def case_id(uow):
    return referred(uow)


def note(case_id, text=SAFEGUARDING, kind=codes.CaseNoteKind.SAFEGUARDING, corrects=None):
    return commands.WriteCaseNote(
        case_id=case_id, kind=kind, text=text, written_by="clinician-sub", written_by_name="Dr Asha Patel",
        corrects=corrects,
    )  # fmt: skip


def test_a_note_is_kept_with_its_kind_who_wrote_it_and_when(uow, case_id):
    written = handlers.write_case_note(note(case_id), uow, now=NOW)
    [kept] = handlers.read_case_notes(case_id, uow, CLINICIAN, "safeguarding")
    assert kept == written
    assert (kept.kind, kept.text, kept.written_at) == (codes.CaseNoteKind.SAFEGUARDING, SAFEGUARDING, NOW)
    assert (kept.written_by, kept.written_by_name, kept.corrects) == ("clinician-sub", "Dr Asha Patel", None)


def test_notes_are_read_newest_first_and_every_read_is_audited_with_its_purpose(uow, case_id):
    first = handlers.write_case_note(note(case_id, "Phoned; no answer.", codes.CaseNoteKind.CONTACT), uow, now=NOW)
    later = handlers.write_case_note(note(case_id), uow, now=NOW + timedelta(hours=2))
    assert uow.reasons.audits == [], "writing a note reads nothing back"

    assert [n.note_id for n in handlers.read_case_notes(case_id, uow, CLINICIAN, "care-coordination")] == [
        later.note_id,
        first.note_id,
    ]
    assert uow.reasons.audits == [{
        "subject": "clinician-sub", "roles": "clinician", "hub_id": "test-hub", "case_id": case_id,
        "action": "read-case-notes", "purpose": "care-coordination",
    }]  # fmt: skip


def test_a_correction_is_a_new_note_naming_the_one_it_corrects_which_stays(uow, case_id):
    wrong = handlers.write_case_note(note(case_id, "MDT: refer to trauma service."), uow, now=NOW)
    fixed = handlers.write_case_note(
        note(case_id, "MDT: refer to talking therapies, not trauma.", corrects=wrong.note_id), uow, now=NOW
    )
    notes = {n.note_id: n for n in handlers.read_case_notes(case_id, uow, CLINICIAN, "assessment")}
    assert notes[fixed.note_id].corrects == wrong.note_id
    assert notes[wrong.note_id].text == "MDT: refer to trauma service.", "the corrected note is kept as written"


@pytest.mark.parametrize("other", ["unknown", "another-case"])
def test_a_correction_of_a_note_not_on_this_case_is_refused_and_nothing_is_kept(uow, case_id, other):
    elsewhere = uuid.uuid4()
    if other == "another-case":
        elsewhere = referred(uow)
        target = handlers.write_case_note(note(elsewhere), uow, now=NOW).note_id
    else:
        target = uuid.uuid4()
    with pytest.raises(Refused) as refused:
        handlers.write_case_note(note(case_id, corrects=target), uow, now=NOW)
    assert refused.value.errors == {"corrects": ["There is no such note on this case to correct."]}
    assert uow.notes.for_case(case_id) == []


@pytest.mark.parametrize("text", ["   \n\t ", "x" * 10_001])
def test_a_blank_or_overlong_note_is_refused_naming_the_text(uow, case_id, text):
    with pytest.raises(Refused) as refused:
        handlers.write_case_note(note(case_id, text), uow, now=NOW)
    assert list(refused.value.errors) == ["text"]
    assert uow.notes.for_case(case_id) == []


def test_notes_of_a_case_this_hub_does_not_have_are_not_found_and_nothing_is_audited(uow, case_id):
    with pytest.raises(handlers.CaseNotFound):
        handlers.write_case_note(note(uuid.uuid4()), uow, now=NOW)
    handlers.on_referral_transferred_out({"case_id": case_id, "data": {}}, uow)
    with pytest.raises(handlers.CaseNotFound):
        handlers.read_case_notes(case_id, uow, CLINICIAN, "assessment")
    assert uow.reasons.audits == []


def test_a_persons_details_erased_in_the_referral_service_erase_the_text_of_their_notes(uow, case_id):
    written = handlers.write_case_note(note(case_id), uow, now=NOW)

    apply(personal_data_erased(case_id), uow)
    apply(personal_data_erased(case_id), uow)  # asked again: nothing left to erase, nothing audited

    [erased] = uow.notes.for_case(case_id)
    assert erased.text is None and erased.erased_at is not None
    assert (erased.note_id, erased.kind, erased.written_by_name) == (written.note_id, written.kind, "Dr Asha Patel")
    assert [(a["subject"], a["action"], a["purpose"]) for a in uow.reasons.audits] == [
        ("referral@test-hub", "erase-case-notes", "erasure-request")
    ]


def test_notes_of_a_case_closed_longer_than_the_retention_period_are_erased(uow, case_id):
    handlers.write_case_note(note(case_id), uow, now=NOW)
    apply(referral_closed(case_id, codes.ClosureReason.CARE_COMPLETED, NOW + timedelta(days=30)), uow)
    retention = timedelta(days=365)
    assert handlers.erase_expired_reasons(uow, retention, now=NOW + timedelta(days=394)) == 0
    assert handlers.erase_expired_reasons(uow, retention, now=NOW + timedelta(days=396)) == 1
    [erased] = uow.notes.for_case(case_id)
    assert erased.text is None
