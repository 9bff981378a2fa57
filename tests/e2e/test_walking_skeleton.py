"""A self-referral travels through real Kafka and PostgreSQL from the referral service to
the national data set, passing every service of the hub on the way."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from cryptography.fernet import Fernet

from hubs.assessment.bootstrap import DEFINITION as ASSESSMENT
from hubs.care_coordination.bootstrap import DEFINITION as CARE
from hubs.outreach.bootstrap import DEFINITION as OUTREACH
from hubs.referral.bootstrap import DEFINITION as REFERRAL
from hubs.reporting.bootstrap import DEFINITION as REPORTING
from hubs.reporting.domain.periods import periods_of
from hubs.runtime.testing import eventually

pytestmark = pytest.mark.e2e

SELF_REFERRAL = {
    "name": "Canary Person-Q7X",
    "email": "canary.q7x@example.org",
    "staff_group": "nursing-and-midwifery",
    "employment_type": "bank",
    "at_risk_factors": ["bame"],
    "demographics": {"ethnic_category": "M", "age_band": "25-34"},
    "risk_screen": {"thoughts_of_self_harm": False, "risk_to_others": False},
    "consent_to_contact": True,
}


# A rapid assessment that refers the person on to talking therapies.
REFER_ON = {
    "practitioners": [{"practitioner_id": "staff-1", "discipline": "psychology"}],
    "measures": {"phq9": [1, 1, 1, 1, 1, 1, 1, 1, 0], "gad7": [1, 1, 1, 1, 1, 1, 1]},
    "work_situation": {"situation": "at-work"},
    "outcome": {"decisions": ["refer-on"], "reasons": "Low mood.", "refer_on_to": ["talking-therapies"]},
}


def test_self_referrals_reach_the_national_dataset_exact_and_suppressed_when_published(run_service, hub_id, tokens):
    referral = run_service(REFERRAL, extra={"HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode()}).start_relay()
    assessment = run_service(ASSESSMENT).start_worker().start_relay()
    run_service(CARE).start_worker().start_relay()  # makes the onward referral the assessment decided
    outreach = run_service(OUTREACH).start_relay()
    reporting = run_service(REPORTING).start_worker().start_relay()
    national = run_service(REPORTING, reporting_mode="national", schema_suffix="national_").start_worker()

    case_ids = []
    for n in range(12):
        person = {**SELF_REFERRAL, "name": f"Canary Person-Q7X {n}", "email": f"canary.q7x.{n}@example.org"}
        answer = referral.client.post("/v1/self-referrals", json=person)
        assert answer.status_code == 201, answer.get_json()
    case_ids = [q["case_id"] for q in referral.client.get("/v1/queue", headers=tokens("clinician")).get_json()]
    assert len(case_ids) == 12

    # The assessment service turned every referral into an assessment to do.
    to_do = eventually(
        lambda: len(assessment.client.get("/v1/assessments", headers=tokens("clinician")).get_json()) == 12 or None
    )
    assert to_do
    # One person is contacted and assessed, and referred on to talking therapies.
    [first] = [q for q in referral.client.get("/v1/queue", headers=tokens("clinician")).get_json()
               if q["case_id"] == case_ids[0]]  # fmt: skip
    contact = {"channel": "phone", "outcome": "contacted"}
    answer = referral.client.post(
        f"/v1/referrals/{first['referral_id']}/contact-attempts", json=contact, headers=tokens("clinician")
    )
    assert answer.status_code == 201, answer.get_json()
    eventually(
        lambda: [
            a
            for a in assessment.client.get("/v1/assessments", headers=tokens("clinician")).get_json()
            if a["case_id"] == case_ids[0] and a["first_contact_at"]
        ]
    )
    answer = assessment.client.post(f"/v1/cases/{case_ids[0]}/assessment", json=REFER_ON, headers=tokens("clinician"))
    assert answer.status_code == 200, answer.get_json()
    answer = outreach.client.post(
        "/v1/outreach-events",
        headers=tokens("hub-lead"),
        json={"kind": "inreach", "held_on": date.today().isoformat(), "attendance": 23, "staff_groups": ["ambulance"]},
    )
    assert answer.status_code == 201, answer.get_json()

    month = periods_of(datetime.now(UTC).date())["month"]

    expected_in_hub = {
        "self_referrals": 12,
        "onward_referrals_made": 1,
        "outreach_events_held": 1,
        "outreach_attendance": 23,
    }

    def hub_figures():
        # The three services' topics arrive in no fixed order: wait until all of them are counted.
        figures = reporting.client.get("/v1/dataset", headers=tokens("hub-lead")).get_json()["figures"]
        return figures if all(figures.get(k) == v for k, v in expected_in_hub.items()) else None

    figures = eventually(hub_figures)
    assert figures["referrals_from_other_sources"] == 0

    # The hub sends its exact counts to the national service; national analysts see them as sent.
    expected = {
        "self_referrals": 12,
        "onward_referrals_made": 1,
        "onward_referrals.talking-therapies": 1,
        "outreach_events_held": 1,
        "outreach_attendance": 23,
    }

    def national_report(view: str = "exact"):
        dataset = national.client.get(
            f"/v1/national/dataset?view={view}", headers=tokens("national-analyst", hub="national")
        ).get_json()
        assert dataset["period"] == month
        mine = [h for h in dataset["hubs"] if h["hub_id"] == hub_id]
        shown = mine[0]["figures"] if mine else {}
        return mine[0] if {name: shown.get(name) for name in expected} == expected else None

    report = eventually(national_report)
    # Published, the same hub's small cells are suppressed (never shown as 0) and the rest rounded:
    # 12 self-referrals to the nearest 5, attendance of 23 to 25.
    dataset = national.client.get(
        "/v1/national/dataset?view=published", headers=tokens("national-analyst", hub="national")
    ).get_json()
    [published] = [h for h in dataset["hubs"] if h["hub_id"] == hub_id]
    assert published["figures"]["self_referrals"] == 10
    assert published["figures"]["outreach_attendance"] == 25
    for small in ("onward_referrals_made", "onward_referrals.talking-therapies", "outreach_events_held"):
        assert published["figures"][small] is None and published["markers"][small] == "suppressed"
    assert report["region"] == "london"
    assert report["report_version"] >= 1
