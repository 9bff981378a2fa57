"""The hub's own team through the portal, against the real outreach service: the hub lead opens
an anonymous survey and shares its link, a clinician answers it once, the lead closes it; check-ins
and supervision are recorded, and the service's refusals show against the field they name."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest

pytestmark = pytest.mark.integration

TODAY = date.today()


def open_survey(hub) -> str:
    """The hub lead opens a survey through the portal; the path of the link to share."""
    lead = hub.portal("hub-lead")
    form = {"title": "Winter check", "opens_on": TODAY.isoformat(), "closes_on": (TODAY + timedelta(7)).isoformat()}
    assert lead.post("/lead/staff-feedback", data=form).status_code == 303
    page = lead.get("/lead/staff-feedback").get_data(as_text=True)
    [link] = re.findall(r'href="(/staff-surveys/[0-9a-f-]{36})"', page)
    return link


def test_a_clinician_answers_a_staff_survey_once_and_anonymously(hub, tokens):
    link = open_survey(hub)
    clinician = hub.portal("clinician")
    page = clinician.get(link).get_data(as_text=True)
    assert "Your answers are anonymous" in page
    answered = clinician.post(link, data={"wellbeing": "2", "workload_manageable": "1", "comment": "Rotas."})
    assert answered.status_code == 303
    assert "Your answers have been sent" in clinician.get(answered.headers["Location"]).get_data(as_text=True)
    again = clinician.post(link, data={"wellbeing": "5"})
    assert again.status_code == 409
    assert "You have already answered this survey." in again.get_data(as_text=True)
    [survey] = hub.outreach.client.get("/v1/staff-surveys", headers=tokens("hub-lead")).get_json()
    assert (survey["responses"], survey["withheld"]) == (1, True)


def test_a_survey_answer_without_a_wellbeing_score_is_not_sent(hub, tokens, read):
    link = open_survey(hub)
    response = hub.portal("clinician").post(link, data={"feel_supported": "4"})
    assert response.status_code == 400
    assert read.summary_links(response.get_data(as_text=True)) == ["wellbeing"]
    [survey] = hub.outreach.client.get("/v1/staff-surveys", headers=tokens("hub-lead")).get_json()
    assert survey["responses"] == 0


def test_a_survey_the_hub_lead_closed_takes_no_more_answers(hub, tokens):
    link = open_survey(hub)
    survey_id = link.rsplit("/", 1)[1]
    lead = hub.portal("hub-lead")
    closed = lead.post(f"/lead/staff-feedback/{survey_id}/close")
    assert closed.status_code == 303
    assert "Staff survey closed" in lead.get(closed.headers["Location"]).get_data(as_text=True)
    refused = hub.portal("clinician").post(link, data={"wellbeing": "3"})
    assert refused.status_code == 409
    assert "This survey is closed." in refused.get_data(as_text=True)


def test_an_unknown_survey_is_named_as_such(hub):
    response = hub.portal("clinician").post(f"/staff-surveys/{uuid.uuid4()}", data={"wellbeing": "3"})
    assert response.status_code == 404
    assert "There is no such staff survey in this hub." in response.get_data(as_text=True)


def test_survey_answers_are_sent_only_with_the_form_token(hub, tokens, read):
    link = open_survey(hub)
    clinician = hub.portal("clinician", csrf=True)
    assert clinician.post(link, data={"wellbeing": "3"}).status_code == 400
    token = read.form_token(clinician.get(link).get_data(as_text=True))
    assert clinician.post(link, data={"wellbeing": "3", "csrf_token": token}).status_code == 303
    [survey] = hub.outreach.client.get("/v1/staff-surveys", headers=tokens("hub-lead")).get_json()
    assert survey["responses"] == 1


def test_a_clinician_records_a_check_in_and_the_hub_lead_sees_it(hub):
    form = {"held_on": TODAY.isoformat(), "format": "one-to-one", "attendees": "1"}
    assert hub.portal("clinician").post("/team/check-ins", data=form).status_code == 303
    page = hub.portal("hub-lead").get("/lead/check-ins").get_data(as_text=True)
    assert "One to one" in page


def test_the_outreach_services_refusal_shows_against_the_number_of_staff(hub, tokens, read):
    form = {"held_on": TODAY.isoformat(), "supervision_type": "clinical-one-to-one", "attendees": "2",
            "duration_minutes": "50", "wellbeing_discussed": "yes"}  # fmt: skip
    response = hub.portal("clinician").post("/team/supervision", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert read.summary_links(page) == ["attendees"]
    assert "One-to-one supervision has exactly one member of staff." in page
    assert hub.outreach.client.get("/v1/supervision-sessions", headers=tokens("hub-lead")).get_json() == []


def test_a_referrer_has_no_part_in_the_hubs_team(hub):
    referrer = hub.portal("referrer")
    for path in ("/team", "/team/check-ins", "/lead/staff-feedback", f"/staff-surveys/{uuid.uuid4()}"):
        assert referrer.get(path).status_code == 403, path


def test_a_clinician_sees_the_surveys_title_and_that_it_is_open_before_the_questions(hub):
    link = open_survey(hub)
    page = hub.portal("clinician").get(link).get_data(as_text=True)
    assert "<h1>Winter check</h1>" in page
    assert f"Open now, until {(TODAY + timedelta(7)).strftime('%-d %b %Y')}." in page
    assert page.index('id="survey-state"') < page.index('name="wellbeing"')


def test_a_survey_not_open_yet_or_closed_is_a_plain_message_without_the_form(hub):
    link = open_survey(hub)
    lead = hub.portal("hub-lead")
    later = {"title": "Spring check", "opens_on": (TODAY + timedelta(3)).isoformat(),
             "closes_on": (TODAY + timedelta(10)).isoformat()}  # fmt: skip
    assert lead.post("/lead/staff-feedback", data=later).status_code == 303
    page = lead.get("/lead/staff-feedback").get_data(as_text=True)
    [spring] = [li for li in re.findall(r'href="(/staff-surveys/[0-9a-f-]{36})"', page) if li != link]
    clinician = hub.portal("clinician")
    not_yet = clinician.get(spring).get_data(as_text=True)
    assert "<h1>Spring check</h1>" in not_yet and "This survey opens on" in not_yet
    assert 'name="wellbeing"' not in not_yet
    lead.post(f"/lead/staff-feedback/{link.rsplit('/', 1)[1]}/close")
    closed = clinician.get(link)
    assert closed.status_code == 200
    assert "This survey has closed." in closed.get_data(as_text=True)
    assert 'name="wellbeing"' not in closed.get_data(as_text=True)
