"""A case through the portal in front of the real referral, assessment and care co-ordination
services (on PostgreSQL, over HTTP), each event handed on as the workers would: the assessment
waits for first contact, the onward referral for the signed-off assessment, and the assessment
service's refusal is said once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from cryptography.fernet import Fernet
from flask.testing import FlaskClient
from sqlalchemy import select

from hubs.assessment.bootstrap import DEFINITION as ASSESSMENT
from hubs.care_coordination.bootstrap import DEFINITION as CARE
from hubs.contracts import parse_envelope
from hubs.portal.bootstrap import create_app
from hubs.portal.settings import PortalSettings
from hubs.referral.bootstrap import DEFINITION as REFERRAL
from hubs.runtime.testing import RunningService, serve_in_thread

pytestmark = pytest.mark.integration


@dataclass
class CaseHub:
    referral: RunningService
    assessment: RunningService
    care: RunningService
    clinician: FlaskClient


@pytest.fixture
def hub(run_service, hub_id: str) -> Iterator[CaseHub]:
    referral = run_service(REFERRAL, extra={"HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode()})
    assessment, care = run_service(ASSESSMENT), run_service(CARE)
    with (
        serve_in_thread(referral.app) as referral_url,
        serve_in_thread(assessment.app) as assessment_url,
        serve_in_thread(care.app) as care_url,
    ):
        urls = dict.fromkeys(("outreach", "reporting", "national"), "http://127.0.0.1:9")
        settings = PortalSettings(
            hub_id=hub_id,
            hub_name="Test",
            secret_key="portal-integration-tests-" + hub_id,
            service_urls={**urls, "referral": referral_url, "assessment": assessment_url, "care": care_url},
            timeout_seconds=10,
            dev_sign_in=True,
            secure_cookies=False,
        )
        app = create_app(settings)
        app.config["WTF_CSRF_ENABLED"] = False
        clinician = app.test_client()
        assert clinician.post("/sign-in/dev", data={"role": "clinician"}).status_code == 302
        yield CaseHub(referral, assessment, care, clinician)


def hand_on(source: RunningService, *targets: RunningService, seen: set[str]) -> None:
    """Every event `source` has published and not yet handed on, applied by the targets' handlers
    as their workers would apply it."""
    with source.wiring.engine.connect() as conn:
        payloads = [row.payload for row in conn.execute(select(source.wiring.outbox_table))]
    for payload in payloads:
        if str(payload["event_id"]) in seen:
            continue
        seen.add(str(payload["event_id"]))
        envelope = parse_envelope(payload)
        for target in targets:
            for consumer in target.definition.consumers(target.wiring):
                handler = consumer.handlers.get(envelope["event_type"])
                if handler is not None:
                    with target.wiring.uow_factory() as uow:
                        handler(envelope, uow)
                        uow.commit()


def summary_links(page: str) -> list[str]:
    start = page.index("nhsuk-error-summary")
    return re.findall(r'href="#([\w-]+)"', page[start : page.index("</ul>", start)])


ASSESSMENT_FORM = {f"phq9-{i}": "1" for i in range(1, 9)} | {f"gad7-{i}": "1" for i in range(1, 8)} | {
    "phq9-9": "0", "action": "complete", "purpose": "assessment", "work_situation": "at-work", "risk_level": "low",
    "decisions": "signpost",
    "signpost_to": "self-help", "reasons": "Wants self-help first.",
}  # fmt: skip


def test_a_case_is_assessed_after_first_contact_and_referred_on_after_its_assessment(hub, tokens):
    seen: set[str] = set()
    person = {"name": "Sam Example", "phone": "07700 900 982", "consent_to_contact": True,
              "risk_screen": {"thoughts_of_self_harm": False, "risk_to_others": False}}  # fmt: skip
    assert hub.referral.client.post("/v1/self-referrals", json=person).status_code == 201
    [waiting] = hub.referral.client.get("/v1/queue", headers=tokens("clinician")).get_json()
    referral_id, case_id = waiting["referral_id"], waiting["case_id"]
    hand_on(hub.referral, hub.assessment, hub.care, seen=seen)
    case_page = f"/cases/{referral_id}?purpose=assessment"

    page = hub.clinician.get(case_page).get_data(as_text=True)
    assert "Record first contact before the assessment" in page
    assert 'id="assessment-form"' not in page
    assert "Make onward referral" not in page

    # An assessment sent before first contact (a page left open) is refused, said once, and not stored.
    refused = hub.clinician.post(f"/cases/{referral_id}/assessment", data=ASSESSMENT_FORM | {"case_id": case_id})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert page.count("First contact with the person must be recorded before the assessment.") == 1
    assert summary_links(page) == ["first_contact"]
    stored = hub.assessment.client.get(f"/v1/cases/{case_id}/assessment", headers=tokens("clinician")).get_json()
    assert stored["status"] == "to-do"

    contact = {"channel": "phone", "outcome": "contacted", "purpose": "assessment"}
    assert hub.clinician.post(f"/cases/{referral_id}/contact-attempts", data=contact).status_code == 303
    page = hub.clinician.get(case_page).get_data(as_text=True)
    assert "the assessment opens as soon as the assessment service has it" in page
    hand_on(hub.referral, hub.assessment, hub.care, seen=seen)
    assert 'id="assessment-form"' in hub.clinician.get(case_page).get_data(as_text=True)

    done = hub.clinician.post(f"/cases/{referral_id}/assessment", data=ASSESSMENT_FORM | {"case_id": case_id})
    assert done.status_code == 303
    page = hub.clinician.get(case_page).get_data(as_text=True)
    assert "Make onward referral" not in page  # care co-ordination has not had the assessment yet
    hand_on(hub.assessment, hub.care, seen=seen)
    assert "Make onward referral" in hub.clinician.get(case_page).get_data(as_text=True)

    onward = {"case_id": case_id, "service_type": "talking-therapies", "purpose": "assessment"}
    made = hub.clinician.post(f"/cases/{referral_id}/onward-referrals", data=onward, follow_redirects=True)
    assert "Onward referral made" in made.get_data(as_text=True)
    care_case: dict[str, Any] = hub.care.client.get(f"/v1/cases/{case_id}", headers=tokens("clinician")).get_json()
    assert [o["service_type"] for o in care_case["onward_referrals"]] == ["talking-therapies"]
