"""Notes on the case page: added by the signed-in clinician, listed newest first with kind, author
and time, read with the purpose the case was opened for; what was typed comes back when the note is
refused or the form or sign-in expired. And the case's timeline on the same page."""

from __future__ import annotations

import pytest

from hubs.portal.adapters.services import Answer

from .conftest import sign_in
from .test_case_pathway import ASSESSABLE, CASE_ID, CONTACTED, REFERRAL_ID

NOTES_PATH = f"/v1/cases/{CASE_ID}/notes"
TYPED = "Discussed at MDT.\r\nAgreed: refer to talking therapies & review in 4 weeks."
NOTES = [
    {"note_id": "b0000000-0000-4000-8000-000000000002", "kind": "safeguarding", "text": "Called MASH today.",
     "written_at": "2026-11-27T10:00:00Z", "written_by": "s2", "written_by_name": "Dr Asha Patel",
     "corrects": "b0000000-0000-4000-8000-000000000001"},
    {"note_id": "b0000000-0000-4000-8000-000000000001", "kind": "contact", "text": "Phoned, left no message.",
     "written_at": "2026-11-26T10:00:00Z", "written_by": "s1", "written_by_name": "Sam Nurse", "corrects": None},
]  # fmt: skip
FORM = {"case_id": CASE_ID, "purpose": "safeguarding", "note_kind": "mdt-discussion", "note_text": TYPED}


@pytest.fixture
def a_case(services):
    services.answers[("referral", "GET", f"/v1/referrals/{REFERRAL_ID}")] = Answer(200, CONTACTED)
    services.answers[("assessment", "GET", f"/v1/cases/{CASE_ID}/assessment")] = Answer(200, ASSESSABLE)
    services.answers[("assessment", "GET", f"/v1/cases/{CASE_ID}/follow-ups")] = Answer(200, [])
    services.answers[("assessment", "GET", NOTES_PATH)] = Answer(200, NOTES)
    return services


def test_the_case_page_lists_the_notes_newest_first_read_with_the_cases_purpose(signed_in, a_case):
    page = signed_in("clinician").get(f"/cases/{REFERRAL_ID}?purpose=safeguarding").get_data(as_text=True)
    notes = page[page.index('id="notes"') :]
    assert notes.index("Called MASH today.") < notes.index("Phoned, left no message.")
    assert "Dr Asha Patel, 27 Nov 2026, 10:00" in notes and 'href="#note-b0000000-0000-4000-8000-000000000001"' in notes
    [read] = a_case.calls_to("assessment", "GET", NOTES_PATH)
    assert read["params"] == {"purpose": "safeguarding"}, "read once, with the purpose the case was opened for"


def test_the_timeline_names_each_note_by_its_kind_and_links_to_it_without_its_text(signed_in, a_case):
    page = signed_in("clinician").get(f"/cases/{REFERRAL_ID}?purpose=assessment").get_data(as_text=True)
    timeline = page[page.index('id="case-timeline"') : page.index("</ol>", page.index('id="case-timeline"'))]
    assert '<a href="#note-b0000000-0000-4000-8000-000000000002">Note: safeguarding (a correction)</a>' in timeline
    assert timeline.index("Referral received") < timeline.index("First contact made")
    assert "MASH" not in timeline


def test_a_note_is_sent_with_its_kind_text_and_the_writers_name(signed_in, a_case):
    a_case.answers[("assessment", "POST", NOTES_PATH)] = Answer(201, {"note_id": "n"})
    response = signed_in("clinician").post(f"/cases/{REFERRAL_ID}/notes", data=FORM)
    assert response.status_code == 303 and response.location.endswith("#notes")
    [sent] = a_case.calls_to("assessment", "POST", NOTES_PATH)
    assert sent["json"] == {
        "kind": "mdt-discussion",
        "text": TYPED.replace("\r\n", "\n"),  # a new line is one character, as typed
        "author_name": "Test clinician",
    }


@pytest.mark.parametrize(
    ("form", "field", "said"),
    [
        ({"note_kind": ""}, "note_kind", "Select what the note is about"),
        ({"note_text": " \r\n "}, "note_text", "Write the note"),
        ({"note_text": "x" * 10_001}, "note_text", "The note is 10,001 characters: it can be at most 10,000"),
    ],
)
def test_a_wrong_note_is_not_sent_and_comes_back_as_typed(signed_in, a_case, form, field, said):
    response = signed_in("clinician").post(f"/cases/{REFERRAL_ID}/notes", data={**FORM, **form})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'<a href="#{field}">{said}</a>' in page
    assert a_case.calls_to("assessment", "POST", NOTES_PATH) == []
    if field != "note_text":
        assert "refer to talking therapies &amp; review in 4 weeks" in page


def test_a_note_the_service_refuses_comes_back_as_typed_with_its_words_against_the_question(signed_in, a_case):
    refusal = Answer(422, title="Unprocessable Entity", errors={"json": {"text": ["Write the note: it is blank."]}})
    a_case.answers[("assessment", "POST", NOTES_PATH)] = refusal
    response = signed_in("clinician").post(f"/cases/{REFERRAL_ID}/notes", data=FORM)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert '<a href="#note_text">Write the note: it is blank.</a>' in page
    assert "refer to talking therapies &amp; review in 4 weeks" in page


def test_a_note_sent_with_an_expired_form_comes_back_as_typed_and_nothing_is_sent(make_portal, a_case):
    client = make_portal()
    sign_in(client, "clinician")
    client.application.config["WTF_CSRF_ENABLED"] = True
    response = client.post(f"/cases/{REFERRAL_ID}/notes", data={**FORM, "csrf_token": "expired"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Your form had expired, so the note was not saved" in page
    assert "refer to talking therapies &amp; review in 4 weeks" in page
    assert a_case.calls_to("assessment", "POST", NOTES_PATH) == []


def test_a_note_sent_after_the_sign_in_expired_is_back_on_the_case_page_after_signing_in(client, a_case):
    sign_in(client, "clinician")
    client.get(f"/cases/{REFERRAL_ID}?purpose=safeguarding")  # the page the note is written on
    with client.session_transaction() as cookie:
        sid = cookie["sid"]
    client.application.extensions["portal_sessions"].end(sid)  # the sign-in ran out while they wrote

    response = client.post(f"/cases/{REFERRAL_ID}/notes", data=FORM)
    assert response.status_code == 303 and "/sign-in" in response.location
    assert a_case.calls_to("assessment", "POST", NOTES_PATH) == []

    sign_in(client, "clinician")
    page = client.get(f"/cases/{REFERRAL_ID}?purpose=safeguarding").get_data(as_text=True)
    assert "refer to talking therapies &amp; review in 4 weeks" in page
    assert 'href="#case-note"' in page
