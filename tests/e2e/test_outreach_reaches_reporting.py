"""Outreach, training and the hub's own workforce travel over real Kafka: the outreach service's
events arrive on its topic with the right content, and the hub's reporting figures move."""

from __future__ import annotations

import json

import pytest
from cryptography.fernet import Fernet
from kafka import KafkaConsumer

from hubs.contracts import parse_envelope
from hubs.contracts.topics import hub_topic
from hubs.outreach.bootstrap import DEFINITION as OUTREACH
from hubs.referral.bootstrap import DEFINITION as REFERRAL
from hubs.reporting.bootstrap import DEFINITION as REPORTING
from hubs.runtime.testing import eventually

pytestmark = pytest.mark.e2e

HELD_ON = "2026-10-14"
MONTH = "2026-10"
STAFF = ["canary-staff-e2e-1", "canary-staff-e2e-2"]


def created(answer) -> dict:
    assert answer.status_code in (200, 201), answer.get_json()
    return answer.get_json()


def test_events_training_and_supervision_reach_the_hub_reporting_figures(run_service, tokens):
    outreach = run_service(OUTREACH).start_relay()
    reporting = run_service(REPORTING).start_worker()
    lead = tokens("hub-lead")
    post = outreach.client.post

    inreach = created(
        post(
            "/v1/outreach-events",
            headers=lead,
            json={"kind": "inreach", "held_on": HELD_ON, "attendance": 23, "staff_groups": ["ambulance"]},
        )
    )
    campaign = created(
        post(
            "/v1/campaigns",
            headers=lead,
            json={"name": "BAME staff networks", "starts_on": HELD_ON, "target_at_risk_groups": ["bame"]},
        )
    )
    planned = created(
        post(
            "/v1/outreach-events",
            headers=lead,
            json={"kind": "outreach", "held_on": HELD_ON, "campaign_id": campaign["campaign_id"],
                  "at_risk_groups": ["bame"], "organisations": ["North Trust"], "delivery_mode": "hybrid"},
        )
    )  # fmt: skip
    held_later = {"held_on": HELD_ON, "attendance": 17}
    created(post(f"/v1/outreach-events/{planned['outreach_event_id']}/held", headers=lead, json=held_later))
    created(
        post(f"/v1/outreach-events/{inreach['outreach_event_id']}/feedback", headers=lead,
             json={"given_on": HELD_ON, "useful": 4, "more_likely_to_seek_help": 5, "comment": "Canary note E2E"})
    )  # fmt: skip
    training = created(
        post(
            "/v1/training-sessions",
            headers=lead,
            json={"delivered_on": HELD_ON, "audience": "line-managers", "topic": "help-seeking", "attendance": 15,
                  "duration_minutes": 90, "delivery_mode": "online", "staff_groups": ["managerial"]},
        )
    )  # fmt: skip
    created(
        post(f"/v1/training-sessions/{training['training_session_id']}/feedback", headers=lead,
             json={"given_on": HELD_ON, "useful": 5, "confidence_before": 2, "confidence_after": 4})
    )  # fmt: skip
    created(
        post(
            "/v1/supervision-sessions",
            headers=tokens("clinician"),
            json={"held_on": HELD_ON, "supervision_type": "clinical-group", "attendees": 5, "duration_minutes": 60},
        )
    )
    created(
        post("/v1/check-ins", headers=tokens("clinician"), json={"held_on": HELD_ON, "format": "team", "attendees": 6})
    )
    survey = created(
        post("/v1/staff-surveys", headers=lead, json={"title": "Autumn", "opens_on": HELD_ON, "closes_on": HELD_ON})
    )
    for n, subject in enumerate(STAFF):
        created(
            post(
                f"/v1/staff-surveys/{survey['survey_id']}/responses",
                headers=tokens("clinician", subject=subject),
                json={"wellbeing": 3 + n, "feel_supported": 4},
            )
        )
    created(post(f"/v1/staff-surveys/{survey['survey_id']}/close", headers=lead))

    # Every event is on the outreach topic, valid against its contract, with the right content.
    topic = hub_topic(outreach.settings.hub_id, "outreach", prefix=outreach.settings.topic_prefix)
    consumer = KafkaConsumer(
        topic, bootstrap_servers=outreach.settings.kafka_bootstrap_servers, auto_offset_reset="earliest",
        enable_auto_commit=False,
    )  # fmt: skip
    received: list[dict] = []

    def all_arrived():
        for batch in consumer.poll(timeout_ms=500).values():
            received.extend(parse_envelope(json.loads(r.value)) for r in batch)
        return len(received) >= 9

    try:
        eventually(all_arrived)
    finally:
        consumer.close()
    by_type: dict[str, list[dict]] = {}
    for envelope in received:
        by_type.setdefault(envelope["event_type"], []).append(envelope["data"])
    assert {t: len(d) for t, d in by_type.items()} == {
        "OutreachEventHeld": 2,
        "OutreachFeedbackGiven": 1,
        "TrainingDelivered": 1,
        "TrainingFeedbackGiven": 1,
        "SupervisionHeld": 1,
        "HubStaffCheckInHeld": 1,
        "HubStaffFeedbackGiven": 2,
    }
    held = {str(d["outreach_event_id"]): d for d in by_type["OutreachEventHeld"]}
    assert held[inreach["outreach_event_id"]]["attendance"] == 23
    assert str(held[planned["outreach_event_id"]]["campaign_id"]) == campaign["campaign_id"]
    assert held[planned["outreach_event_id"]]["attendance"] == 17
    assert by_type["TrainingDelivered"][0]["attendance"] == 15
    assert by_type["TrainingFeedbackGiven"][0]["confidence_after"] == 4
    assert by_type["SupervisionHeld"][0]["supervision_type"].value == "clinical-group"
    assert sorted(d["wellbeing"] for d in by_type["HubStaffFeedbackGiven"]) == [3, 4]
    everything = json.dumps([str(e) for e in received])
    assert "Canary" not in everything and "North Trust" not in everything
    assert not any(s in everything for s in STAFF)

    # The hub's reporting service counted the events held and their attendance.
    def hub_figures():
        answer = reporting.client.get(f"/v1/dataset?period_type=month&period={MONTH}", headers=lead)
        figures = answer.get_json()["figures"]
        return figures if figures.get("outreach_events_held") == 2 else None

    figures = eventually(hub_figures)
    assert figures["outreach_attendance"] == 40


def test_self_referrals_naming_a_leaflet_code_are_credited_to_the_outreach_that_brought_them(run_service, tokens):
    referral = run_service(REFERRAL, extra={"HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode()}).start_relay()
    outreach = run_service(OUTREACH).start_worker()
    lead = tokens("hub-lead")
    campaign = created(
        outreach.client.post(
            "/v1/campaigns",
            headers=lead,
            json={
                "name": "Returners",
                "starts_on": HELD_ON,
                "target_at_risk_groups": ["agency-temporary-or-returning"],
            },
        )
    )
    event = created(
        outreach.client.post(
            "/v1/outreach-events",
            headers=lead,
            json={"kind": "outreach", "held_on": HELD_ON, "attendance": 30, "campaign_id": campaign["campaign_id"]},
        )
    )
    for said in (event["code"].lower(), f"campaign poster {campaign['code']}", "a friend told me"):
        answer = referral.client.post(
            "/v1/self-referrals",
            json={
                "name": "Canary Person-E2E",
                "heard_of_hub_via": said,
                "risk_screen": {"thoughts_of_self_harm": False, "risk_to_others": False},
                "consent_to_contact": True,
            },
        )
        assert answer.status_code == 201, answer.get_json()

    def credited():
        report = outreach.client.get("/v1/outreach/attribution", headers=lead).get_json()
        return report if report["campaigns"][0]["referrals"] == 2 else None

    report = eventually(credited)
    assert report["campaigns"][0]["code"] == campaign["code"]
    assert [e["referrals"] for e in report["outreach_events"]] == [1]
