"""The equality answers of both referral forms reach the real referral service and leave it, as
codes, in the ReferralReceived event the hub's figures are made from."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

pytestmark = pytest.mark.integration

TODAY = date.today()
PERSON = {"name": "Robin Equality", "phone": "07700 900 461", "thoughts_of_self_harm": "no", "risk_to_others": "no",
          "consent": "yes"}  # fmt: skip
SOMEONE = {
    **PERSON,
    "source": "gp",
    "referrer_name": "Dr Referrer",
    "consent_method": "verbal",
    "consent-day": str(TODAY.day),
    "consent-month": str(TODAY.month),
    "consent-year": str(TODAY.year),
}


def received(hub) -> list[dict]:
    with hub.referral.wiring.engine.connect() as conn:
        rows = conn.execute(text("SELECT payload FROM outbox WHERE event_type = 'ReferralReceived' ORDER BY seq"))
        return [row[0]["data"] for row in rows]


def test_equality_answers_of_a_self_referral_reach_the_hubs_figures(hub):
    answers = {"ethnic_category": "H", "age_band": "25-34", "gender_identity": "3", "disability": "yes",
               "sexual_orientation": "Z"}  # fmt: skip
    assert hub.portal().post("/self-referral", data={**PERSON, **answers}).status_code == 303
    [event] = received(hub)
    assert {k: event[k] for k in answers} == answers
    assert event["gender_same_as_at_birth"] is None  # not answered: not recorded


def test_equality_answers_given_by_a_referrer_reach_the_hubs_figures(hub):
    answers = {"ethnic_category": "Z", "gender_same_as_at_birth": "not-stated", "disability": "no"}
    assert hub.portal("referrer").post("/refer-someone", data={**SOMEONE, **answers}).status_code == 303
    [event] = received(hub)
    assert {k: event[k] for k in answers} == answers
    assert event["age_band"] is None
