"""Nothing personal leaves a hub: a hub's whole pathway, with small numbers everywhere, goes
through real Kafka and PostgreSQL to the national topic; every message on that topic is read
back and must carry only catalogue figure names and exact counts, signed, nothing about a
person. Small numbers are suppressed where figures are published: nationally, for everyone but
national analysts."""

from __future__ import annotations

import json
import random
import time
import uuid

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from hubs.contracts import message_headers, message_key, new_envelope, parse_envelope
from hubs.contracts.events.assessment import GAD7_BANDS, PHQ9_BANDS
from hubs.contracts.events.reporting import HubPeriodReport
from hubs.contracts.topics import REPORT_KEY_ID_HEADER, REPORT_SIGNATURE_HEADER, hub_topic, national_topic
from hubs.reporting.bootstrap import DEFINITION as REPORTING
from hubs.reporting.domain.catalogue import COUNTS, STATISTICS
from hubs.runtime.testing import eventually

pytestmark = pytest.mark.e2e

CANARY_EMPLOYER = "Canary Employer Q7X Trust"
REPORT_FIELDS = set(HubPeriodReport._declared_fields)


def _band(bands, total: int) -> str:
    return [band.value for lowest, band in bands if total >= lowest][-1]


def _measures(phq9: int, gad7: int) -> dict:
    return {
        "phq9": {"total": phq9, "band": _band(PHQ9_BANDS, phq9), "item9_positive": False},
        "gad7": {"total": gad7, "band": _band(GAD7_BANDS, gad7)},
    }


def pathway(hub_id: str, n: int, rng: random.Random) -> list[tuple[str, dict]]:
    """One member of staff's whole pathway as contract events, with (service, envelope) pairs."""
    case_id, assessment_id, onward_id = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    day = 1 + n % 20
    at = f"2026-10-{day:02d}T09:00:00+00:00"
    events = [
        ("referral", "ReferralReceived", {
            "referral_id": case_id, "received_at": at, "source": rng.choice(["self", "gp", "hr", "line-manager"]),
            "urgency": rng.choice(["routine", "urgent"]), "staff_group": rng.choice(["ambulance", "pharmacy"]),
            "ethnic_category": rng.choice(["A", "N", "H", "Z"]), "sexual_orientation": rng.choice(["1", "2", "3"]),
            "gender_identity": rng.choice(["1", "2", "3"]), "gender_same_as_at_birth": rng.choice(["yes", "no"]),
            "age_band": rng.choice(["25-34", "45-54"]),
        }),
        ("referral", "FirstContactMade", {
            "referral_id": case_id, "contact_attempt_id": str(uuid.uuid4()), "referral_received_at": at,
            "contacted_at": f"2026-10-{day + 1:02d}T1{n % 8}:00:00+00:00", "channel": "phone",
        }),
        ("assessment", "AssessmentCompleted", {
            "assessment_id": assessment_id, "referral_id": case_id,
            "completed_at": f"2026-10-{day + 2:02d}T10:00:00+00:00",
            "multidisciplinary": True, "disciplines": ["psychology"], "measures": _measures(16, 12),
            "risk_level": "low", "work_situation": "off-sick", "outcome_decisions": ["refer-on", "monitor"],
        }),
        ("care", "OnwardReferralMade", {
            "onward_referral_id": onward_id, "made_on": f"2026-10-{day + 3:02d}",
            "service_type": rng.choice(["talking-therapies", "bereavement", "debt-advice"]),
        }),
        ("care", "MonitoringStarted", {
            "monitoring_plan_id": str(uuid.uuid4()), "started_on": f"2026-10-{day + 3:02d}",
            "review_interval_days": 14, "measures": ["phq-9"],
        }),
    ]  # fmt: skip
    if n % 3:
        events += [
            ("care", "TreatmentStarted", {"onward_referral_id": onward_id, "service_type": "talking-therapies",
                                          "started_on": f"2026-10-{day + 5:02d}"}),
            ("assessment", "FollowUpMeasured", {"follow_up_id": str(uuid.uuid4()), "assessment_id": assessment_id,
                                                "measured_at": f"2026-10-{day + 8:02d}T10:00:00+00:00",
                                                "measures": _measures(rng.choice([4, 9, 15]), rng.choice([3, 7, 12]))}),
        ]  # fmt: skip
    if n % 4 == 0:
        events.append(("care", "EpisodeClosed", {"closed_at": f"2026-10-{day + 9:02d}T10:00:00+00:00",
                                                   "reason": "care-completed"}))  # fmt: skip
    return [
        (service, new_envelope(kind, data, hub_id=hub_id, producer=f"{service}@test", case_id=case_id))
        for service, kind, data in events
    ]


def activities(hub_id: str) -> list[tuple[str, dict]]:
    """Outreach, training, supervision and anonymous feedback, in small numbers."""
    outreach_id = str(uuid.uuid4())
    made = [
        ("OutreachEventHeld", {"outreach_event_id": outreach_id, "event_type": "outreach", "held_on": "2026-10-08",
                               "attendance": 6}),
        ("OutreachFeedbackGiven", {"feedback_id": str(uuid.uuid4()), "outreach_event_id": outreach_id,
                                   "given_on": "2026-10-08", "useful": 5}),
        ("SupervisionHeld", {"supervision_session_id": str(uuid.uuid4()), "held_on": "2026-10-09",
                             "supervision_type": "line-management", "attendees": 2, "duration_minutes": 45}),
        ("HubStaffFeedbackGiven", {"feedback_id": str(uuid.uuid4()), "given_on": "2026-10-09", "wellbeing": 2}),
    ]  # fmt: skip
    envelopes = [("outreach", new_envelope(k, d, hub_id=hub_id, producer="outreach@test")) for k, d in made]
    feedback = {"feedback_id": str(uuid.uuid4()), "given_on": "2026-10-10", "stage": "at-closure",
                "overall_experience": "very-good"}  # fmt: skip
    envelopes.append(("care", new_envelope("ServiceUserFeedbackGiven", feedback, hub_id=hub_id, producer="care@t")))
    return envelopes


def problems_of(key: bytes | None, value: bytes, headers, secrets: set[str]) -> list[str]:
    """Why a message on the national topic is not an aggregate of exact counts (empty if it is one)."""
    found: list[str] = []
    text = value.decode()
    found += [f"carries {s!r}" for s in secrets if s in text or (key and s in key.decode())]
    envelope = parse_envelope(json.loads(text))
    if envelope["event_type"] != "HubPeriodReport":
        return [*found, f"is a {envelope['event_type']}, not a HubPeriodReport"]
    if envelope["case_id"] is not None:
        found.append("is about a case")
    raw = json.loads(text)
    if set(raw["data"]) - REPORT_FIELDS:
        found.append(f"has fields beyond the contract: {set(raw['data']) - REPORT_FIELDS}")
    # Besides the event's id and type, only the hub's signature and the id of its key.
    if {name for name, _ in headers} != {"event_id", "event_type", REPORT_SIGNATURE_HEADER, REPORT_KEY_ID_HEADER}:
        found.append("has headers beyond event_id, event_type and the hub's signature, or is not signed")
    if raw["data"].get("figures_exact") is not True:
        found.append("does not say its figures are exact")
    for name, v in raw["data"]["figures"].items():
        if name not in COUNTS and name not in STATISTICS:
            found.append(f"figure {name!r} is not in the catalogue")
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            found.append(f"figure {name}={v!r} is not a count")
    return found


def test_the_checker_catches_what_must_not_leave_a_hub():
    report = {"hub_id": "hub-a", "region": "london", "period_type": "month", "period": "2026-10",
              "report_version": 1, "figures": {"self_referrals": 3, "referrals_received": "*",
                                               "case-0f1d8a52": 1}}  # fmt: skip
    envelope = new_envelope("HubPeriodReport", report, hub_id="hub-a", producer="reporting@hub-a")
    value = json.dumps(envelope).encode()
    found = problems_of(b"k", value, message_headers(envelope), {"secret-case-id"})
    assert not any("self_referrals" in p for p in found)  # an exact small count may leave
    assert any("referrals_received='*'" in p for p in found)
    assert any("'case-0f1d8a52' is not in the catalogue" in p for p in found)
    assert any("exact" in p for p in found)
    case_event = new_envelope(
        "RiskEscalated",
        {"risk_escalation_id": str(uuid.uuid4()), "escalated_at": "2026-10-01T00:00:00+00:00", "risk_level": "high",
         "risk_to_self": True, "risk_to_others": False, "route": "gp"},
        hub_id="hub-a", producer="assessment@hub-a", case_id="0f1d8a52-3c0e-4b7a-9a55-1f0c2b9e7d10",
    )  # fmt: skip
    found = problems_of(b"k", json.dumps(case_event).encode(), message_headers(case_event), {"0f1d8a52"})
    assert any("not a HubPeriodReport" in p for p in found) and any("carries" in p for p in found)


def test_national_topic_messages_carry_only_catalogue_figures_as_exact_counts(run_service, hub_id, tokens):
    reporting = run_service(REPORTING, extra={"HUBS_PERIOD_CLOSE_CHECK_SECONDS": "0.5"}).start_worker().start_relay()
    prefix = reporting.settings.topic_prefix
    rng = random.Random(7)
    sent = [e for n in range(23) for e in pathway(hub_id, n, rng)] + activities(hub_id)
    producer = KafkaProducer(bootstrap_servers=reporting.settings.kafka_bootstrap_servers, acks="all")
    try:
        for service, envelope in sent:
            producer.send(
                hub_topic(hub_id, service, prefix=prefix),
                key=message_key(envelope).encode(),
                value=json.dumps(envelope).encode(),
                headers=message_headers(envelope),
            )
        producer.flush(timeout=30)
    finally:
        producer.close()
    upload = reporting.client.post(
        "/v1/sickness-absence",
        data=f"employer,month,mental_health_days_lost\n{CANARY_EMPLOYER},2026-10,5\n",
        content_type="text/csv",
        headers=tokens("hub-lead"),
    )
    assert upload.status_code == 201, upload.get_json()
    secrets = {CANARY_EMPLOYER} | {str(e["case_id"]) for _, e in sent if e["case_id"]}
    secrets |= {str(v) for _, e in sent for k, v in e["data"].items() if k.endswith("_id")}

    topic = national_topic(prefix)
    consumer = KafkaConsumer(bootstrap_servers=reporting.settings.kafka_bootstrap_servers, enable_auto_commit=False)
    partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    messages = []

    def october_final_with_everything():
        for batch in consumer.poll(timeout_ms=500).values():
            messages.extend(batch)
        reports = [json.loads(m.value)["data"] for m in messages]
        october = [r for r in reports if (r["period_type"], r["period"]) == ("month", "2026-10")]
        newest = max(october, key=lambda r: r["report_version"], default=None)
        done = newest and newest["final"] and newest["figures"]["referrals_received"] == 23
        return newest if done and newest["figures"]["sickness_absence.days_lost_mental_health"] == 5 else None

    try:
        newest = eventually(october_final_with_everything)
        time.sleep(1.0)
        for batch in consumer.poll(timeout_ms=1000).values():
            messages.extend(batch)
    finally:
        consumer.close()

    assert {json.loads(m.value)["data"]["period_type"] for m in messages} == {
        "week",
        "month",
        "quarter",
        "financial-year",
    }
    assert len(messages) > 20
    for message in messages:
        assert problems_of(message.key, message.value, message.headers, secrets) == [], message.offset
    # Exact counts, small ones included: the national service suppresses them where it publishes.
    assert newest["figures"]["referrals_received"] == 23
    assert newest["figures"]["supervision_sessions"] == 1


def test_two_regions_are_compared_exactly_for_analysts_and_suppressed_for_hub_leads(
    run_service, hub_id, tokens, signing
):
    other_hub = f"{hub_id}-b"
    signing.register(other_hub, "midlands")
    london = run_service(REPORTING).start_worker().start_relay()
    midlands = run_service(REPORTING, hub_id=other_hub, region="midlands", schema_suffix="b_").start_worker()
    midlands.start_relay()
    national = run_service(REPORTING, reporting_mode="national", schema_suffix="national_").start_worker()
    prefix = london.settings.topic_prefix
    producer = KafkaProducer(bootstrap_servers=london.settings.kafka_bootstrap_servers, acks="all")
    try:
        for hub, count in ((hub_id, 12), (other_hub, 3)):
            for _ in range(count):
                case_id = str(uuid.uuid4())
                data = {"referral_id": case_id, "received_at": "2026-10-05T09:00:00+00:00", "source": "self",
                        "urgency": "routine"}  # fmt: skip
                envelope = new_envelope("ReferralReceived", data, hub_id=hub, producer="referral@t", case_id=case_id)
                producer.send(
                    hub_topic(hub, "referral", prefix=prefix),
                    key=message_key(envelope).encode(),
                    value=json.dumps(envelope).encode(),
                    headers=message_headers(envelope),
                )
        producer.flush(timeout=30)
    finally:
        producer.close()
    analyst = tokens("national-analyst", hub="national")

    def compared():
        body = national.client.get("/v1/national/comparison?period_type=month&period=2026-10", headers=analyst)
        found = body.get_json()
        # Until both hubs' newest versions have arrived, an earlier version may be the one kept.
        return (
            found
            if found["england"]["figures"].get("referrals_received") == 15 and found["england"]["hubs"] == 2
            else None
        )

    found = eventually(compared)
    regions = {r["region"]: r for r in found["regions"]}
    assert regions["london"]["figures"]["self_referrals"] == 12
    assert regions["midlands"]["figures"]["self_referrals"] == 3
    assert found["england"]["figures"]["self_referrals"] == 15
    dataset = national.client.get("/v1/national/dataset?period_type=month&period=2026-10", headers=analyst)
    assert {h["hub_id"]: h["figures"]["self_referrals"] for h in dataset.get_json()["hubs"]} == {
        hub_id: 12,
        other_hub: 3,
    }
    # A hub lead sees regions suppressed: midlands' 3 hidden, and london hidden beside England's
    # exact 15 (else 15 - 10 would give midlands away); never a 0 for a hidden cell.
    published = national.client.get(
        "/v1/national/comparison?period_type=month&period=2026-10", headers=tokens("hub-lead")
    ).get_json()
    regions = {r["region"]: r for r in published["regions"]}
    for region in ("london", "midlands"):
        assert regions[region]["figures"]["self_referrals"] is None
        assert regions[region]["markers"]["self_referrals"] == "suppressed"
    assert regions["north-west"]["missing"] is True
    assert published["england"]["figures"]["self_referrals"] == 15
