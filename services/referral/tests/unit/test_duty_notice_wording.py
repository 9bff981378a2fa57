"""What the duty clinician reads: the reference staff quote, when first contact is due in the hub's
own time zone, the link to the case, and which referrals count as about to be late."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hubs.contracts import codes
from hubs.referral.domain.duty import FIRST_CONTACT_AT_RISK, URGENT_REFERRAL, DutyNotice, at_risk, reference_of
from hubs.referral.domain.model import CONTACTED, Demographics, Referral

REFERRAL_ID = uuid.UUID("3f2a9c1e-7b4d-4e8a-9c2f-1a2b3c4d5e6f")
LONDON = ZoneInfo("Europe/London")
# 14:30 UTC on a summer Wednesday is 15:30 in London
DUE = datetime(2026, 7, 15, 14, 30, tzinfo=UTC)


def referral(urgency=codes.Urgency.ROUTINE, due=DUE, status=None) -> Referral:
    r = Referral(
        referral_id=REFERRAL_ID,
        case_id=uuid.uuid4(),
        source=codes.ReferralSource.SELF,
        received_at=DUE - timedelta(days=2),
        urgency=urgency,
        staff_group=None,
        employment_type=None,
        at_risk_factors=[],
        demographics=Demographics(),
        first_contact_due_by=due,
    )
    if status:
        r.status = status
    return r


def test_the_reference_staff_quote_is_the_first_part_of_the_referral_id_in_capitals():
    assert reference_of(REFERRAL_ID) == "3F2A9C1E"


def test_the_link_opens_the_case_in_the_portal_whether_or_not_its_address_ends_with_a_slash():
    for portal in ("https://portal.hub-a.example.nhs.uk", "https://portal.hub-a.example.nhs.uk/"):
        notice = DutyNotice.of(referral(), URGENT_REFERRAL, portal)
        assert notice.link == f"https://portal.hub-a.example.nhs.uk/cases/{REFERRAL_ID}"
        assert notice.due_by == DUE and notice.urgency is codes.Urgency.ROUTINE


def test_the_due_time_is_told_in_the_hubs_own_time_zone_and_named():
    notice = DutyNotice.of(referral(), FIRST_CONTACT_AT_RISK, "https://portal")
    assert notice.due_text(LONDON) == "Wed 15 Jul 2026 15:30 (Europe/London)"
    assert DutyNotice.of(referral(due=None), FIRST_CONTACT_AT_RISK, "https://portal").due_text(LONDON) == "not set"


def test_an_urgent_referrals_email_says_it_has_arrived_and_carries_reference_urgency_due_time_and_link():
    notice = DutyNotice.of(referral(codes.Urgency.URGENT), URGENT_REFERRAL, "https://portal")
    assert notice.body(LONDON) == (
        "An urgent referral has arrived and is waiting for first contact.\n\n"
        "Reference: 3F2A9C1E\n"
        "Urgency: urgent\n"
        "First contact due by: Wed 15 Jul 2026 15:30 (Europe/London)\n"
        f"Open the case: https://portal/cases/{REFERRAL_ID}\n\n"
        "This message carries no personal details: sign in to the portal to see them.\n"
    )


def test_an_at_risk_email_says_the_referral_is_about_to_miss_the_standard():
    body = DutyNotice.of(referral(), FIRST_CONTACT_AT_RISK, "https://portal").body(LONDON)
    assert body.startswith("A referral is still waiting for first contact and is about to miss the hub's standard.\n\n")
    assert "Urgency: routine\n" in body


def test_a_notify_template_gets_exactly_the_reference_reason_urgency_due_time_and_link():
    notice = DutyNotice.of(referral(), FIRST_CONTACT_AT_RISK, "https://portal")
    assert notice.personalisation(LONDON) == {
        "reference": "3F2A9C1E",
        "reason": "first-contact-at-risk",
        "urgency": "routine",
        "due_by": "Wed 15 Jul 2026 15:30 (Europe/London)",
        "link": f"https://portal/cases/{REFERRAL_ID}",
    }


def test_an_urgent_referral_is_at_risk_in_its_last_hour_only():
    urgent = referral(codes.Urgency.URGENT)
    end_of_day = DUE + timedelta(hours=5)
    assert not at_risk(urgent, DUE - timedelta(hours=1, minutes=1), end_of_day)
    assert at_risk(urgent, DUE - timedelta(hours=1), end_of_day)
    assert at_risk(urgent, DUE + timedelta(minutes=5), end_of_day)  # already late


def test_a_routine_referral_is_at_risk_when_due_by_the_end_of_today():
    routine = referral()
    now = DUE - timedelta(hours=6)
    assert at_risk(routine, now, end_of_day=DUE)
    assert not at_risk(routine, now, end_of_day=DUE - timedelta(seconds=1))


def test_a_contacted_referral_or_one_without_a_due_time_is_never_at_risk():
    late = DUE + timedelta(days=1)
    assert not at_risk(referral(status=CONTACTED), late, late)
    assert not at_risk(referral(codes.Urgency.URGENT, status=CONTACTED), late, late)
    assert not at_risk(referral(due=None), late, late)
