"""The duty inbox is told of an urgent referral when it arrives, and of a referral about to miss its
first-contact standard: once per referral and reason on each channel, retried when a channel
fails, with the reference and a link to the case and never anything about the person."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from hubs.contracts import codes
from hubs.contracts.working_time import LONDON, HubHolidays, WorkingCalendar
from hubs.referral.adapters import metrics
from hubs.referral.adapters.duty_notifiers import NotifyNotifier, SmtpNotifier, duty_notifiers_from_settings
from hubs.referral.adapters.personal_data import PersonalDataVault
from hubs.referral.domain import commands
from hubs.referral.domain.duty import FIRST_CONTACT_AT_RISK, URGENT_REFERRAL, DutyNotice, reference_of
from hubs.referral.domain.model import RiskScreen
from hubs.referral.service_layer import duty, handlers
from hubs.referral.service_layer.context import ReferralContext

from .conftest import FakeReferrals, FakeUnitOfWork

THURSDAY = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
PORTAL = "https://portal.hub-a.example.nhs.uk"
NAME, EMAIL, PHONE = "Canary Duty-Q7Z", "canary.duty.q7z@example.org", "07700 900 417"


class FakeNotifier:
    """A channel that keeps what it was given, or fails while `down`."""

    def __init__(self, channel: str = "email"):
        self.channel = channel
        self.sent: list[DutyNotice] = []
        self.down = False

    def send(self, notice: DutyNotice) -> None:
        if self.down:
            raise ConnectionRefusedError("the mail server is away")
        self.sent.append(notice)


@pytest.fixture
def ctx() -> ReferralContext:
    return ReferralContext(
        hub_id="hub-a",
        vault=PersonalDataVault([Fernet.generate_key().decode()]),
        calendar=WorkingCalendar(bank_holidays=HubHolidays()),
    )


@pytest.fixture
def referrals() -> FakeReferrals:
    return FakeReferrals()


@pytest.fixture
def uow_factory(referrals):
    return lambda: FakeUnitOfWork(referrals)


def refer(referrals, ctx, at=THURSDAY, urgent=True, email=EMAIL):
    """A referral received, and the ReferralTriaged event the worker reads back from the topic."""
    uow = FakeUnitOfWork(referrals)
    cmd = commands.ReceiveReferral(
        # Another email and no phone is another person (the same phone would link them).
        personal=commands.PersonalDetails(name=NAME, email=email, phone=PHONE if email == EMAIL else None),
        risk_screen=RiskScreen(urgent, False),
        consent=commands.Consent("self", at.isoformat(), "online-form"),
    )
    referral = handlers.receive_referral(cmd, uow, ctx, now=at).referral
    [triaged] = [data for kind, data, _ in uow.outbox.events if kind == "ReferralTriaged"]
    return referral, {"event_type": "ReferralTriaged", "data": triaged}


def sent_count(channel: str, reason: str) -> float:
    return metrics.DUTY_NOTIFICATIONS_SENT.labels(channel, reason)._value.get()


def failed_count(channel: str, reason: str) -> float:
    return metrics.DUTY_NOTIFICATIONS_FAILED.labels(channel, reason)._value.get()


def test_an_urgent_referral_is_announced_once_with_its_reference_and_link_and_nothing_personal(
    ctx, referrals, uow_factory
):
    email = FakeNotifier()
    notices = duty.Duty([email], PORTAL)
    handle = duty.urgent_referral_handler(notices, uow_factory)
    referral, triaged = refer(referrals, ctx)
    before = sent_count("email", URGENT_REFERRAL)
    handle(triaged, FakeUnitOfWork(referrals))
    handle(triaged, FakeUnitOfWork(referrals))  # the event again (redelivered): nothing more is sent
    [notice] = email.sent
    assert sent_count("email", URGENT_REFERRAL) == before + 1
    text = notice.subject() + notice.body(LONDON) + str(notice.personalisation(LONDON))
    assert reference_of(referral.referral_id) in text
    assert f"{PORTAL}/cases/{referral.referral_id}" in text
    assert "Thu 26 Nov 2026 14:00 (Europe/London)" in text  # four working hours
    for personal in (NAME, "Canary", EMAIL, PHONE, "07700"):
        assert personal not in text


def test_only_an_urgent_referral_still_waiting_for_first_contact_is_announced(ctx, referrals, uow_factory):
    email = FakeNotifier()
    handle = duty.urgent_referral_handler(duty.Duty([email], PORTAL), uow_factory)
    _, routine = refer(referrals, ctx, urgent=False, email="routine@example.org")
    handle(routine, FakeUnitOfWork(referrals))
    contacted, urgent = refer(referrals, ctx, email="contacted@example.org")
    handlers.record_contact_attempt(
        commands.RecordContactAttempt(
            contacted.referral_id, THURSDAY + timedelta(minutes=5), codes.ContactChannel.PHONE,
            codes.ContactOutcome.CONTACTED,
        ),
        FakeUnitOfWork(referrals),
        ctx,
    )  # fmt: skip
    handle(urgent, FakeUnitOfWork(referrals))
    assert email.sent == []


def test_a_notice_that_fails_is_retried_and_then_sent_once_on_each_channel(ctx, referrals, uow_factory):
    email, notify = FakeNotifier("email"), FakeNotifier("notify")
    handle = duty.urgent_referral_handler(duty.Duty([email, notify], PORTAL), uow_factory)
    referral, triaged = refer(referrals, ctx)
    notify.down = True
    failed_before = failed_count("notify", URGENT_REFERRAL)
    # The event fails, so the consumer tries it again (and parks it on the dead-letter topic after its attempts).
    with pytest.raises(duty.NoticeNotSent):
        handle(triaged, FakeUnitOfWork(referrals))
    assert failed_count("notify", URGENT_REFERRAL) == failed_before + 1
    assert referrals.notifications[(referral.referral_id, URGENT_REFERRAL, "notify")]["last_error"] == (
        "ConnectionRefusedError"
    )
    notify.down = False
    handle(triaged, FakeUnitOfWork(referrals))
    assert len(email.sent) == 1 and len(notify.sent) == 1  # the email is not sent twice


def test_a_referral_about_to_miss_its_standard_is_announced_once(ctx, referrals, uow_factory):
    email = FakeNotifier()
    notices = duty.Duty([email], PORTAL)
    monday = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    due_today, _ = refer(referrals, ctx, at=monday, urgent=False, email="a@example.org")  # due Wed 10:00
    refer(referrals, ctx, at=monday + timedelta(days=1), urgent=False, email="b@example.org")  # due Thu 10:00
    wednesday = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    assert duty.warn_at_risk(notices, uow_factory, ctx, now=wednesday) == 1
    assert duty.warn_at_risk(notices, uow_factory, ctx, now=wednesday + timedelta(minutes=1)) == 0
    [notice] = email.sent
    assert (notice.referral_id, notice.reason) == (due_today.referral_id, FIRST_CONTACT_AT_RISK)
    assert "about to be late" in notice.subject() and NAME not in notice.body(LONDON)


def test_an_urgent_referral_is_announced_again_in_its_last_hour(ctx, referrals, uow_factory):
    email = FakeNotifier()
    notices = duty.Duty([email], PORTAL)
    urgent, _ = refer(referrals, ctx)  # due Thursday 14:00
    assert duty.warn_at_risk(notices, uow_factory, ctx, now=THURSDAY + timedelta(hours=2)) == 0
    assert duty.warn_at_risk(notices, uow_factory, ctx, now=THURSDAY + timedelta(hours=3, minutes=1)) == 1
    assert [(n.referral_id, n.reason) for n in email.sent] == [(urgent.referral_id, FIRST_CONTACT_AT_RISK)]


def test_an_at_risk_notice_is_tried_at_each_sweep_until_sent_or_given_up(ctx, referrals, uow_factory):
    email = FakeNotifier()
    notices = duty.Duty([email], PORTAL, give_up_after=3)
    refer(referrals, ctx)
    late = THURSDAY + timedelta(hours=5)
    email.down = True
    for _ in range(2):
        assert duty.warn_at_risk(notices, uow_factory, ctx, now=late) == 0
    email.down = False
    assert duty.warn_at_risk(notices, uow_factory, ctx, now=late) == 1  # the third sweep gets it through

    assert len(email.sent) == 1


def test_an_at_risk_notice_that_keeps_failing_is_given_up_after_the_consumers_attempts(ctx):
    referrals = FakeReferrals()
    email = FakeNotifier()
    notices = duty.Duty([email], PORTAL, give_up_after=2)
    referral, _ = refer(referrals, ctx)
    late = THURSDAY + timedelta(hours=5)
    email.down = True
    for _ in range(3):
        duty.warn_at_risk(notices, lambda: FakeUnitOfWork(referrals), ctx, now=late)
    email.down = False
    assert duty.warn_at_risk(notices, lambda: FakeUnitOfWork(referrals), ctx, now=late) == 0
    assert email.sent == []
    assert referrals.notifications[(referral.referral_id, FIRST_CONTACT_AT_RISK, "email")]["attempts"] == 2


def test_without_a_duty_inbox_nothing_is_sent_and_channels_come_from_settings(tmp_path: Path):
    assert duty_notifiers_from_settings({}) == []
    assert duty_notifiers_from_settings({"HUBS_SMTP_HOST": "smtp.example.org"}) == []  # no inbox
    password = tmp_path / "smtp-password"
    password.write_text("s3cret\n")
    key = tmp_path / "notify-key"
    key.write_text("hub_a-00000000-0000-0000-0000-000000000000-00000000-0000-0000-0000-000000000000\n")
    smtp, notify = duty_notifiers_from_settings(
        {
            "HUBS_DUTY_EMAIL": "duty@hub-a.example.nhs.uk",
            "HUBS_SMTP_HOST": "smtp.example.org",
            "HUBS_SMTP_USERNAME": "hub-a",
            "HUBS_SMTP_PASSWORD_FILE": str(password),
            "HUBS_NOTIFY_API_KEY_FILE": str(key),
            "HUBS_NOTIFY_TEMPLATE_ID": "f33517ff-2a88-4f6e-b855-c550268ce08a",
        }
    )
    assert isinstance(smtp, SmtpNotifier) and (smtp.port, smtp.password, smtp.starttls) == (587, "s3cret", True)
    assert isinstance(notify, NotifyNotifier) and notify.to == "duty@hub-a.example.nhs.uk"
    inbox = {"HUBS_DUTY_EMAIL": "duty@hub-a.example.nhs.uk"}
    with pytest.raises(ValueError, match="HUBS_SMTP_PASSWORD_FILE"):
        duty_notifiers_from_settings({**inbox, "HUBS_SMTP_HOST": "smtp", "HUBS_SMTP_USERNAME": "hub-a"})
    with pytest.raises(ValueError, match="HUBS_NOTIFY_TEMPLATE_ID"):
        duty_notifiers_from_settings({**inbox, "HUBS_NOTIFY_API_KEY_FILE": str(key)})
    with pytest.raises(ValueError, match="HUBS_SMTP_PORT"):
        duty_notifiers_from_settings({**inbox, "HUBS_SMTP_HOST": "smtp", "HUBS_SMTP_PORT": "smtp"})
    with pytest.raises(ValueError, match="HUBS_SMTP_STARTTLS"):
        duty_notifiers_from_settings({**inbox, "HUBS_SMTP_HOST": "smtp", "HUBS_SMTP_STARTTLS": "maybe"})
