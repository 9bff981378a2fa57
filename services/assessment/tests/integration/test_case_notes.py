"""Case notes on a real PostgreSQL and Kafka: the text sealed at rest (a copy of the database shows
none of it), never on the topic or in the logs, shown only on a read that is audited with its
purpose, refused at the door when wrong, and erased with the case."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, datetime

import pytest
from cryptography.fernet import Fernet
from kafka import KafkaConsumer
from sqlalchemy import select

from hubs.assessment.adapters.orm import reasons_access_audit
from hubs.assessment.bootstrap import DEFINITION
from hubs.assessment.service_layer import handlers
from hubs.contracts import codes
from hubs.contracts.topics import hub_topic
from hubs.runtime.testing import database_dump

pytestmark = pytest.mark.integration

# Written by the clinician; must be found nowhere but on the audited read.
CANARY = "Canary note K3Z: disclosed domestic abuse; MASH referral made"
NOTE = {"kind": "safeguarding", "text": CANARY, "author_name": "Dr Asha Patel"}


@pytest.fixture
def assessment(run_service):
    return run_service(DEFINITION, extra={"HUBS_CLINICAL_NOTES_KEYS": Fernet.generate_key().decode()})


def received_case(service) -> uuid.UUID:
    case_id = uuid.uuid4()
    received = {"urgency": codes.Urgency.ROUTINE, "received_at": datetime.now(UTC), "referral_id": uuid.uuid4()}
    with service.wiring.uow_factory() as uow:
        handlers.on_referral_received({"case_id": case_id, "data": received}, uow)
        uow.commit()
    return case_id


def audit_rows(service) -> list:
    with service.wiring.engine.connect() as conn:
        return conn.execute(select(reasons_access_audit).order_by(reasons_access_audit.c.at)).all()


def topic_text(service) -> str:
    """Everything on the hub's assessment topic, from the start."""
    s = service.settings
    consumer = KafkaConsumer(
        hub_topic(s.hub_id, "assessment", prefix=s.topic_prefix), bootstrap_servers=s.kafka_bootstrap_servers,
        auto_offset_reset="earliest", enable_auto_commit=False, group_id=None, consumer_timeout_ms=1500,
    )  # fmt: skip
    try:
        return "\n".join(r.value.decode() for r in consumer)
    finally:
        consumer.close()


def test_a_note_is_sealed_in_the_table_and_never_on_the_topic_or_in_the_logs(assessment, tokens, caplog):
    caplog.set_level(logging.DEBUG)
    assessment.start_relay()
    case_id = received_case(assessment)
    written = assessment.client.post(
        f"/v1/cases/{case_id}/notes", json=NOTE, headers=tokens("clinician", subject="clinician-asha")
    )
    assert written.status_code == 201, written.get_json()
    answer = written.get_json()
    assert "text" not in answer and "Canary" not in written.get_data(as_text=True)
    assert (answer["kind"], answer["written_by"], answer["written_by_name"]) == (
        "safeguarding",
        "clinician-asha",
        "Dr Asha Patel",
    )
    with assessment.wiring.engine.connect() as conn:
        sealed = conn.exec_driver_sql("SELECT sealed FROM case_notes WHERE case_id = %s", (case_id,)).scalar()
    assert sealed and b"Canary" not in bytes(sealed)
    dump = database_dump(assessment.wiring.engine)
    assert "Canary" not in dump and "MASH" not in dump
    assert "Canary" not in topic_text(assessment)
    assert "Canary" not in caplog.text
    assert audit_rows(assessment) == [], "writing a note reads nothing back"


def test_reading_notes_is_audited_with_who_when_which_case_and_why_and_shows_them_newest_first(assessment, tokens):
    case_id = received_case(assessment)
    clinician = tokens("clinician")
    first = assessment.client.post(
        f"/v1/cases/{case_id}/notes", json={"kind": "contact", "text": "Phoned: no answer."}, headers=clinician
    ).get_json()
    correction = {**NOTE, "corrects": first["note_id"]}
    assert assessment.client.post(f"/v1/cases/{case_id}/notes", json=correction, headers=clinician).status_code == 201

    before = datetime.now(UTC)
    read = assessment.client.get(
        f"/v1/cases/{case_id}/notes?purpose=safeguarding", headers=tokens("clinician", subject="clinician-reading-4")
    )
    assert read.status_code == 200
    notes = read.get_json()
    assert [(n["kind"], n["text"], n["corrects"]) for n in notes] == [
        ("safeguarding", CANARY, first["note_id"]),
        ("contact", "Phoned: no answer.", None),
    ]
    [audit] = audit_rows(assessment)
    assert (audit.subject, audit.case_id, audit.action, audit.purpose) == (
        "clinician-reading-4",
        case_id,
        "read-case-notes",
        "safeguarding",
    )
    assert audit.at >= before

    no_purpose = assessment.client.get(f"/v1/cases/{case_id}/notes", headers=clinician)
    assert no_purpose.status_code == 422 and "purpose" in no_purpose.get_json()["errors"]
    other_hub = assessment.client.get(
        f"/v1/cases/{case_id}/notes?purpose=assessment", headers=tokens("clinician", hub="other-hub")
    )
    assert other_hub.status_code in (403, 404)
    assert len(audit_rows(assessment)) == 1, "a refused read shows nothing and audits nothing"
    listed = assessment.client.get(f"/v1/access-audit?case_id={case_id}", headers=tokens("hub-lead")).get_json()
    assert [r["action"] for r in listed] == ["read-case-notes"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "gossip", "text": "x"}, "kind"),
        ({"text": "x"}, "kind"),
        ({"kind": "risk", "text": "  \n "}, "text"),
        ({"kind": "risk", "text": ""}, "text"),
        ({"kind": "risk", "text": "x" * 10_001}, "text"),
        ({"kind": "risk", "text": 7}, "text"),
        ({"kind": "risk", "text": "x", "corrects": "not-a-note"}, "corrects"),
        ({"kind": "risk", "text": "x", "corrects": str(uuid.uuid4())}, "corrects"),
    ],
)
def test_a_wrong_note_is_refused_naming_the_field_and_nothing_is_kept(assessment, tokens, body, field):
    case_id = received_case(assessment)
    refused = assessment.client.post(f"/v1/cases/{case_id}/notes", json=body, headers=tokens("clinician"))
    assert refused.status_code == 422, refused.get_json()
    assert refused.content_type == "application/problem+json"
    errors = refused.get_json()["errors"]
    assert field in errors.get("json", errors)
    with assessment.wiring.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM case_notes").scalar() == 0


def test_notes_of_a_case_this_hub_does_not_have_are_404(assessment, tokens):
    unknown = uuid.uuid4()
    assert (
        assessment.client.post(f"/v1/cases/{unknown}/notes", json=NOTE, headers=tokens("clinician")).status_code == 404
    )
    assert (
        assessment.client.get(f"/v1/cases/{unknown}/notes?purpose=assessment", headers=tokens("clinician")).status_code
        == 404
    )


def test_a_persons_details_erased_in_the_referral_service_erase_the_text_of_their_notes(assessment, tokens):
    case_id = received_case(assessment)
    assert (
        assessment.client.post(f"/v1/cases/{case_id}/notes", json=NOTE, headers=tokens("clinician")).status_code == 201
    )
    erased = {"referral_id": uuid.uuid4(), "erased_at": datetime.now(UTC), "reason": codes.ErasureReason.RETENTION}
    event = {
        "event_type": "PersonalDataErased", "case_id": case_id, "hub_id": assessment.settings.hub_id,
        "producer": f"referral@{assessment.settings.hub_id}", "data": erased,
    }  # fmt: skip
    with assessment.wiring.uow_factory() as uow:  # as the worker's referral consumer applies it
        handlers.EVENT_HANDLERS["PersonalDataErased"](event, uow)
        uow.commit()

    [note] = assessment.client.get(
        f"/v1/cases/{case_id}/notes?purpose=erasure-request", headers=tokens("hub-lead")
    ).get_json()
    assert note["text"] is None and note["erased_at"]
    assert (note["kind"], note["written_by_name"]) == ("safeguarding", "Dr Asha Patel"), "who and what kind stay"
    with assessment.wiring.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT sealed FROM case_notes WHERE case_id = %s", (case_id,)).scalar() is None
    assert [(a.action, a.purpose) for a in audit_rows(assessment)] == [
        ("erase-case-notes", "retention"),
        ("read-case-notes", "erasure-request"),
    ]
    assert json.dumps(note).find("Canary") == -1
