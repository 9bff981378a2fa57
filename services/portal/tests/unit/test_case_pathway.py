"""The case page keeps the pathway's order the services keep: the assessment after first contact,
an onward referral once care co-ordination has the assessment; and a service's refusal is said
once, against the question it names (an item of a measure as clinicians count it, from 1)."""

from __future__ import annotations

import re

import pytest

from hubs.portal.adapters.services import Answer
from hubs.portal.domain.measures import MEASURES
from hubs.portal.entrypoints.clinician import assessment_errors

REFERRAL_ID = "5e0955aa-1111-4222-8333-444455556666"
CASE_ID = "c0ffee00-1111-4222-8333-444455556666"
ASSESSMENT_ID = "a55e5500-1111-4222-8333-444455556666"
DETAIL = {
    "referral_id": REFERRAL_ID, "case_id": CASE_ID, "reference": "5E0955AA", "source": "self", "urgency": "routine",
    "received_at": "2026-11-26T09:00:00Z", "first_contact_due_by": "2026-11-28T09:00:00Z", "hours_left": 30.0,
    "status": "received", "contact_attempts": [], "personal": {"name": "Sam Example"}, "at_risk_factors": [],
}  # fmt: skip
CONTACTED = {**DETAIL, "status": "contacted", "first_contacted_at": "2026-11-26T10:00:00Z"}
TO_DO = {"case_id": CASE_ID, "status": "to-do", "first_contact_at": None}
ASSESSABLE = {**TO_DO, "first_contact_at": "2026-11-26T10:00:00Z"}
CARE_CASE = {"case_id": CASE_ID, "status": "open", "assessment_id": None, "onward_referrals": [], "closed_at": None}
# A low risk: PHQ-9 item 9 answered 0.
COMPLETE = {f"phq9-{i}": "1" for i in range(1, 9)} | {"phq9-9": "0"} | {f"gad7-{i}": "1" for i in range(1, 8)} | {
    "action": "complete", "case_id": CASE_ID, "purpose": "assessment", "work_situation": "at-work", "risk_level": "low",
    "decisions": "signpost", "signpost_to": "self-help", "reasons": "Wants self-help first.",
}  # fmt: skip
NO_FIRST_CONTACT = "First contact with the person must be recorded before the assessment."
ASSESSMENT_POST = ("assessment", "POST", f"/v1/cases/{CASE_ID}/assessment")


@pytest.fixture
def case_of(services):
    """`case_of(detail, assessment, care)`: the services' answers about the case."""

    def answers(detail: dict = DETAIL, assessment: dict = TO_DO, care: dict | None = None) -> None:
        services.answers[("referral", "GET", f"/v1/referrals/{REFERRAL_ID}")] = Answer(200, detail)
        services.answers[("assessment", "GET", f"/v1/cases/{CASE_ID}/assessment")] = Answer(200, assessment)
        services.answers[("assessment", "GET", f"/v1/cases/{CASE_ID}/follow-ups")] = Answer(200, [])
        if care is not None:
            services.answers[("care", "GET", f"/v1/cases/{CASE_ID}")] = Answer(200, care)

    return answers


def case_page(client) -> str:
    return client.get(f"/cases/{REFERRAL_ID}?purpose=assessment").get_data(as_text=True)


def summary_links(page: str) -> list[str]:
    start = page.index("nhsuk-error-summary")
    return re.findall(r'href="#([\w-]+)"', page[start : page.index("</ul>", start)])


def test_the_assessment_form_waits_for_first_contact_and_says_why(signed_in, case_of):
    client = signed_in("clinician")
    case_of(DETAIL, TO_DO)
    page = case_page(client)
    assert 'id="assessment-form"' not in page
    assert "Record first contact before the assessment" in page
    assert 'href="#contact">contact attempt</a>' in page

    # Once the assessment service has first contact, the form is there to fill in.
    case_of(CONTACTED, ASSESSABLE)
    page = case_page(client)
    assert 'id="assessment-form"' in page
    assert "Record first contact before the assessment" not in page


def test_first_contact_the_assessment_service_has_not_heard_of_yet_is_said_so(signed_in, case_of):
    client = signed_in("clinician")
    case_of(CONTACTED, TO_DO)
    page = case_page(client)
    assert 'id="assessment-form"' not in page
    assert "the assessment opens as soon as the assessment service has it" in page


def test_an_onward_referral_is_offered_once_care_coordination_has_the_assessment(signed_in, case_of):
    client = signed_in("clinician")
    case_of(CONTACTED, ASSESSABLE, CARE_CASE)
    page = case_page(client)
    assert "Make onward referral" not in page
    assert "Onward referrals can be made once the assessment is signed off" in page

    case_of(CONTACTED, {**ASSESSABLE, "status": "completed"}, {**CARE_CASE, "assessment_id": ASSESSMENT_ID})
    page = case_page(client)
    assert "Make onward referral" in page
    assert "Onward referrals can be made once" not in page


def test_an_assessed_pcl5_says_which_rule_made_ptsd_provisional(signed_in, case_of):
    client = signed_in("clinician")
    pcl5 = {"total": 12, "provisional_ptsd": True, "cut_off_met": False, "dsm5_rule_met": True}
    assessed = {**ASSESSABLE, "status": "completed", "completed_at": "2026-11-27T10:00:00Z",
                "measures": {"phq9": {"total": 3, "band": "none"}, "gad7": {"total": 2, "band": "minimal"},
                             "pcl5": pcl5}}  # fmt: skip
    case_of(CONTACTED, assessed, {**CARE_CASE, "assessment_id": ASSESSMENT_ID})
    page = case_page(client)
    result = re.search(r'id="pcl5-result">(.*?)</dd>', page, re.S).group(1)
    assert "Score 12 of 80" in result
    assert "provisional PTSD, by the DSM-5 symptom rule only, below the cut-off of 33" in result


def test_an_assessed_audit_shows_its_zone_and_screen_result(signed_in, case_of):
    client = signed_in("clinician")
    assessed = {**ASSESSABLE, "status": "completed", "completed_at": "2026-11-27T10:00:00Z",
                "measures": {"phq9": {"total": 3, "band": "none"}, "gad7": {"total": 2, "band": "minimal"},
                             "audit": {"total": 17, "positive": True}}}  # fmt: skip
    case_of(CONTACTED, assessed, {**CARE_CASE, "assessment_id": ASSESSMENT_ID})
    result = re.search(r'id="audit-result">(.*?)</dd>', case_page(client), re.S).group(1)
    assert re.sub(r"<[^>]+>", "", result) == "Score 17 of 40: Zone III, higher risk, positive screen"


def test_the_assessment_form_asks_the_audits_ten_questions_with_their_answers(signed_in, case_of):
    client = signed_in("clinician")
    case_of(CONTACTED, ASSESSABLE)
    page = case_page(client)
    assert "10. Has a relative or friend, doctor or other health worker been concerned about your drinking" in page
    assert re.findall(r'name="audit-10" type="radio" value="(\d)"', page) == ["0", "2", "4"]


def test_a_refusal_for_want_of_first_contact_is_said_once(signed_in, services, case_of):
    client = signed_in("clinician")
    case_of(DETAIL, TO_DO)
    services.answers[ASSESSMENT_POST] = Answer(
        409, title="Conflict", detail=NO_FIRST_CONTACT, errors={"first_contact": [NO_FIRST_CONTACT]}
    )
    response = client.post(f"/cases/{REFERRAL_ID}/assessment", data=COMPLETE)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert page.count("must be recorded before the assessment") == 1
    assert summary_links(page) == ["first_contact"]
    assert 'id="first_contact"' in page
    assert "Record first contact before the assessment" in page


def test_an_item_the_service_refuses_is_shown_on_that_questions_radio_group(signed_in, services, case_of):
    client = signed_in("clinician")
    case_of(CONTACTED, ASSESSABLE)
    message = "PHQ-9 item 9 must be a whole number from 0 to 3"
    services.answers[ASSESSMENT_POST] = Answer(
        422, detail="The request has invalid fields.", errors={"measures": {"phq9": {"9": [message]}}}
    )
    page = client.post(f"/cases/{REFERRAL_ID}/assessment", data=COMPLETE).get_data(as_text=True)
    assert summary_links(page) == ["phq9-9"]
    # The message is in question 9's own fieldset, tied to its radios.
    ninth = page[page.index("9. Thoughts that you would be better off dead") : page.index('id="phq9-9"')]
    assert f'id="phq9-9-error"><span class="nhsuk-u-visually-hidden">Error:</span> {message}' in ninth
    assert page.count(message) == 2  # in the error summary and beside question 9, nowhere else
    assert "The assessment was not saved" not in page


def test_a_wrong_number_of_responses_is_shown_on_the_measures_group(signed_in, services, case_of):
    client = signed_in("clinician")
    case_of(CONTACTED, ASSESSABLE)
    message = "GAD-7 needs exactly 7 item responses"
    services.answers[ASSESSMENT_POST] = Answer(422, errors={"measures": {"gad7": [message]}})
    page = client.post(f"/cases/{REFERRAL_ID}/assessment", data=COMPLETE).get_data(as_text=True)
    assert summary_links(page) == ["gad7"]
    assert re.search(r'nhsuk-form-group--error" id="gad7"', page)


@pytest.mark.parametrize(
    ("errors", "measures", "question"),
    [
        ({"measures": {"phq9": {"9": ["item 9"]}}}, MEASURES, "phq9-9"),
        ({"json": {"measures": {"audit_c": {"1": ["item 1"]}}}}, MEASURES, "audit_c-1"),
        ({"measures": {"wsas": {"items": {"1": ["item 1"]}}}}, MEASURES, "wsas-1"),
        ({"measures": {"wsas": {"items": ["WSAS needs exactly 5 item responses"]}}}, MEASURES, "wsas"),
        ({"measures": {"phq9": {"10": ["no such item"]}}}, MEASURES, "phq9"),
        # A measure the form does not ask is said above the form, never lost.
        ({"measures": {"phq2": ["Unknown field."]}}, MEASURES, "assessment"),
        ({"measures": {"pcl5": {"1": ["item 1"]}}}, MEASURES, "pcl5-1"),
        ({"outcome": {"refer_on_to": ["services"]}}, MEASURES, "refer_on_to"),
        ({"risk": ["a raised risk needs an escalation route"]}, MEASURES, "risk_route"),
        ({"risk": {"level": ["Must be one of: low, moderate, high."]}}, MEASURES, "risk_level"),
        ({"demographics": {"disability": ["Must be one of: yes, no, not-stated."]}}, MEASURES, "disability"),
    ],
)
def test_service_field_names_land_on_the_question_that_asks_them(errors, measures, question):
    assert list(assessment_errors(Answer(422, errors=errors), measures)) == [question]


def test_several_refused_items_are_listed_in_the_order_they_are_asked():
    errors = {"measures": {"gad7": {"2": ["g2"]}, "phq9": {"9": ["p9"], "3": ["p3"]}}}
    assert list(assessment_errors(Answer(422, errors=errors))) == ["phq9-3", "phq9-9", "gad7-2"]


def test_an_onward_referral_care_coordination_refuses_is_said_once(signed_in, services, case_of):
    client = signed_in("clinician")
    case_of(CONTACTED, ASSESSABLE, CARE_CASE)
    said = "The case has no completed assessment yet: refer on after the assessment."
    services.answers[("care", "POST", "/v1/onward-referrals")] = Answer(
        409, title="Conflict", detail=said, errors={"case_id": [said]}
    )
    form = {"case_id": CASE_ID, "service_type": "talking-therapies", "purpose": "assessment"}
    response = client.post(f"/cases/{REFERRAL_ID}/onward-referrals", data=form, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert f"The onward referral was not made: {said}" in page
    assert page.count(said) == 1


def test_every_message_the_form_has_no_question_for_is_said_above_it():
    errors = {"practitioners": ["at least one practitioner"], "measures": ["PHQ-9 and GAD-7 are taken"]}
    said = assessment_errors(Answer(422, detail="The hub's rules refuse this.", errors=errors))
    assert said == {"assessment": "The assessment was not saved: at least one practitioner; PHQ-9 and GAD-7 are taken"}


def test_equality_answers_given_at_assessment_go_to_the_assessment_service_as_codes(signed_in, services, case_of):
    client = signed_in("clinician")
    case_of(CONTACTED, ASSESSABLE)
    services.answers[ASSESSMENT_POST] = Answer(200, {**ASSESSABLE, "status": "completed"})
    answered = {"ethnic_category": "N", "disability": "not-stated", "gender_same_as_at_birth": "yes"}
    # Left unanswered, or an answer that is not on the question's list: not sent.
    response = client.post(
        f"/cases/{REFERRAL_ID}/assessment", data=COMPLETE | answered | {"sexual_orientation": "", "age_band": "99"}
    )
    assert response.status_code == 303
    [sent] = services.calls_to(*ASSESSMENT_POST)
    assert sent["json"]["demographics"] == answered

    # No question answered: nothing sent, and the referral's answers stand.
    client.post(f"/cases/{REFERRAL_ID}/assessment", data=COMPLETE)
    assert "demographics" not in services.calls_to(*ASSESSMENT_POST)[-1]["json"]


def test_the_assessment_form_asks_the_equality_questions_beside_what_the_referral_recorded(signed_in, case_of):
    client = signed_in("clinician")
    at_referral = {"ethnic_category": "N", "age_band": None, "gender_identity": None,
                   "gender_same_as_at_birth": None, "sexual_orientation": None, "disability": "not-stated"}  # fmt: skip
    case_of(CONTACTED, {**ASSESSABLE, "referral_demographics": at_referral})
    page = case_page(client)
    form = page[page.index('id="assessment-form"') :]
    assert "Do they consider themselves to have a disability? (optional)" in form
    assert "At referral: Black or Black British: African. Leave it unanswered to keep that answer." in form
    assert "At referral: Prefer not to say." in form
    assert form.count("Not answered at referral.") == 4
    for question in ("ethnic_category", "age_band", "gender_identity", "gender_same_as_at_birth",
                     "sexual_orientation", "disability"):  # fmt: skip
        assert f'name="{question}"' in form

    # An assessment service that does not say what the referral recorded: the questions are just asked.
    case_of(CONTACTED, ASSESSABLE)
    page = case_page(client)
    assert "At referral" not in page and "Not answered at referral" not in page
    assert 'name="disability"' in page


def test_an_equality_answer_the_service_refuses_is_shown_on_its_question(signed_in, services, case_of):
    client = signed_in("clinician")
    case_of(CONTACTED, ASSESSABLE)
    message = "Must be one of: yes, no, not-stated."
    services.answers[ASSESSMENT_POST] = Answer(422, errors={"demographics": {"disability": [message]}})
    page = client.post(f"/cases/{REFERRAL_ID}/assessment", data=COMPLETE | {"disability": "yes"}).get_data(as_text=True)
    assert summary_links(page) == ["disability"]
    assert f'id="disability-error"><span class="nhsuk-u-visually-hidden">Error:</span> {message}' in page
    assert re.search(r'id="disability" name="disability" type="radio" value="yes" checked', page)


def test_the_case_says_whether_a_voicemail_or_a_text_is_all_right_before_anyone_calls(signed_in, case_of):
    client = signed_in("clinician")
    agreed = {**DETAIL, "personal": {"name": "Sam Example", "voicemail_ok": False, "text_ok": True}}
    case_of(agreed, TO_DO)
    page = re.sub(r"\s+", " ", case_page(client))
    assert 'Voicemail all right</dt><dd class="nhsuk-summary-list__value">No<' in page
    assert 'Text all right</dt><dd class="nhsuk-summary-list__value">Yes<' in page
    case_of(DETAIL, TO_DO)  # a referral from before the questions were asked
    page = re.sub(r"\s+", " ", case_page(client))
    assert 'Voicemail all right</dt><dd class="nhsuk-summary-list__value">Not asked<' in page
