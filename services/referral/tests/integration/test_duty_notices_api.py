"""An urgent self-referral reaches the hub's duty inbox over SMTP, from the real worker through the
shared Kafka and PostgreSQL: one email with the reference and a link to the case, and nothing about
the person; while the mail server is down the notice is retried, and sent once when it is back."""

from __future__ import annotations

import time
from collections.abc import Iterator
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from cryptography.fernet import Fernet
from sqlalchemy import text

from hubs.referral.bootstrap import DEFINITION
from hubs.runtime.testing import eventually, free_port

pytestmark = pytest.mark.integration

DUTY_INBOX = "duty@hub.example.nhs.uk"
PORTAL = "https://portal.hub.example.nhs.uk"
NAME, EMAIL, PHONE = "Canary Duty-K2V", "canary.duty.k2v@example.org", "07700 900461"


class Inbox:
    """An SMTP server of the test's own: keeps every message it accepts."""

    def __init__(self, port: int):
        self.port = port
        self.messages: list[tuple[list[str], bytes]] = []
        self._controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"

    def up(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def down(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    mail = Inbox(free_port())
    yield mail
    mail.down()


@pytest.fixture
def hub(run_service, inbox):
    return (
        run_service(
            DEFINITION,
            # Enough tries for the mail server to come back (the tests' back-off is short).
            consumer_max_attempts=60,
            extra={
                "HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode(),
                "HUBS_DUTY_EMAIL": DUTY_INBOX,
                "HUBS_DUTY_EMAIL_FROM": "referrals@hub.example.nhs.uk",
                "HUBS_SMTP_HOST": "127.0.0.1",
                "HUBS_SMTP_PORT": str(inbox.port),
                "HUBS_SMTP_STARTTLS": "false",
                "HUBS_PORTAL_URL": PORTAL,
            },
        )
        .start_relay()
        .start_worker()
    )


def refer_urgently(hub, tokens) -> tuple[str, str]:
    """An urgent self-referral: its reference, and its id from the clinicians' queue."""
    answer = hub.client.post(
        "/v1/self-referrals",
        json={
            "name": NAME,
            "email": EMAIL,
            "phone": PHONE,
            "risk_screen": {"thoughts_of_self_harm": True, "risk_to_others": False},
            "consent_to_contact": True,
        },
    )
    assert answer.status_code == 201, answer.get_json()
    [entry] = hub.client.get("/v1/queue", headers=tokens("clinician")).get_json()
    return answer.get_json()["reference"], entry["referral_id"]


def only_email(inbox: Inbox) -> tuple[list[str], str]:
    """The one message the inbox holds, after waiting long enough for a second one to show."""
    eventually(lambda: inbox.messages, timeout=60)
    time.sleep(3)
    [(to, content)] = inbox.messages
    message = message_from_bytes(content, policy=policy.default)
    return to, f"{message['Subject']}\n{message.get_content()}"


def assert_nothing_personal(email: str) -> None:
    for personal in (NAME, "Canary", EMAIL, "k2v", PHONE, "900461"):
        assert personal.lower() not in email.lower()


def test_an_urgent_self_referral_makes_one_email_to_the_duty_inbox_with_nothing_personal(hub, inbox, tokens):
    inbox.up()
    reference, referral_id = refer_urgently(hub, tokens)
    to, email = only_email(inbox)
    assert to == [DUTY_INBOX]
    assert reference in email
    assert f"{PORTAL}/cases/{referral_id}" in email
    assert_nothing_personal(email)


def test_with_the_mail_server_down_then_up_the_notice_is_delivered_once(hub, inbox, tokens):
    reference, referral_id = refer_urgently(hub, tokens)

    def failed_attempts() -> int:
        with hub.wiring.engine.connect() as connection:
            return (
                connection.execute(
                    text("SELECT attempts FROM duty_notifications WHERE referral_id = :id AND sent_at IS NULL"),
                    {"id": referral_id},
                ).scalar()
                or 0
            )

    eventually(failed_attempts, timeout=60)  # the worker tried, and failed
    assert inbox.messages == []
    inbox.up()
    _, email = only_email(inbox)
    assert reference in email and f"{PORTAL}/cases/{referral_id}" in email
    assert_nothing_personal(email)
