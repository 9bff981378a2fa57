"""How a person heard of the hub, in their own words, against a real PostgreSQL: sealed with their
details (no table holds the words, only the outreach code they name), shown on the audited read,
gone after erasure; and words stored before revision 0005 dropped by the upgrade, the code kept."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from hubs.referral.bootstrap import DEFINITION
from hubs.runtime.db import make_engine
from hubs.runtime.migrations import upgrade
from hubs.runtime.testing import database_dump

pytestmark = pytest.mark.integration

WORDS = "Jane Canary-W5T on ward 9 gave me a leaflet, OUT-7KQ2"


def said(words: str | None = WORDS, email: str = "person.w5t@example.org") -> dict:
    return {
        "name": "Person W5T",
        "email": email,
        "heard_of_hub_via": words,
        "risk_screen": {"thoughts_of_self_harm": False, "risk_to_others": False},
        "consent_to_contact": True,
    }


@pytest.fixture
def referral(run_service):
    return run_service(DEFINITION, extra={"HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode()})


def test_the_words_are_sealed_shown_on_the_audited_read_and_gone_after_erasure(referral, tokens):
    assert referral.client.post("/v1/self-referrals", json=said()).status_code == 201
    dump = database_dump(referral.wiring.engine).lower()
    assert "canary" not in dump and "ward 9" not in dump and "leaflet" not in dump
    assert "out-7kq2" in dump  # the code alone: it leaves the service in ReferralReceived anyway

    [entry] = referral.client.get("/v1/queue", headers=tokens("clinician")).get_json()
    base = f"/v1/referrals/{entry['referral_id']}"
    detail = referral.client.get(f"{base}?purpose=first-contact", headers=tokens("clinician")).get_json()
    assert detail["heard_of_hub_via"] == WORDS and "heard_of_hub_via" not in detail["personal"]
    audit = referral.client.get(f"/v1/access-audit?referral_id={entry['referral_id']}", headers=tokens("hub-lead"))
    assert [a["action"] for a in audit.get_json()] == ["read-personal-details"]

    assert referral.client.post(f"{base}/erasure", headers=tokens("hub-lead")).status_code == 200
    erased = referral.client.get(f"{base}?purpose=erasure-request", headers=tokens("hub-lead")).get_json()
    assert erased["heard_of_hub_via"] is None
    assert "canary" not in database_dump(referral.wiring.engine).lower()


def test_the_upgrade_keeps_the_outreach_code_of_words_stored_before_and_drops_the_words(make_settings):
    settings = make_settings("referral")
    settings = replace(settings, extra={**settings.extra, "HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode()})
    upgrade(settings, DEFINITION.migrations_dir, "0004")
    engine = make_engine(settings)
    try:
        with engine.begin() as conn:
            for words in (WORDS, "Jane Canary-W5T told me", None):
                conn.execute(
                    text(
                        "INSERT INTO referrals (referral_id, case_id, source, received_at, urgency, status, "
                        "at_risk_factors, demographics, heard_of_hub_via, restricted) VALUES (:id, :case, 'self', "
                        ":at, 'routine', 'closed', '[]', '{}', :words, false)"
                    ),
                    {"id": uuid.uuid4(), "case": uuid.uuid4(), "at": datetime.now(UTC), "words": words},
                )
        upgrade(settings, DEFINITION.migrations_dir)
        assert "canary" not in database_dump(engine).lower()
        with engine.connect() as conn:
            codes = conn.execute(text("SELECT outreach_code FROM referrals")).scalars().all()
        assert sorted(codes, key=str) == sorted(["OUT-7KQ2", None, None], key=str)
    finally:
        engine.dispose()
