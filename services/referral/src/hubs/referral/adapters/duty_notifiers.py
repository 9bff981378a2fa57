"""Ways of reaching the hub's duty inbox: email over SMTP, and GOV.UK Notify where configured.
Each sends one notice or raises; the service layer records what was sent and retries what was not."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from hubs.referral.domain.duty import DutyNotice
from hubs.referral.domain.working_days import LONDON

SMTP_TIMEOUT_SECONDS = 15


class DutyNotifier(Protocol):
    channel: str  # a code: labels metrics and keys what was sent

    def send(self, notice: DutyNotice) -> None: ...


@dataclass
class SmtpNotifier:
    """An email to the duty inbox (STARTTLS unless turned off, login when a username is set)."""

    host: str
    port: int
    sender: str
    to: str
    username: str | None = None
    password: str | None = None
    starttls: bool = True
    zone: ZoneInfo = LONDON
    channel: str = "email"

    def send(self, notice: DutyNotice) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, self.to, notice.subject()
        message.set_content(notice.body(self.zone))
        with smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


@dataclass
class NotifyNotifier:
    """An email through GOV.UK Notify, with a template whose fields are the notice's
    (reference, reason, urgency, due_by, link)."""

    api_key: str
    template_id: str
    to: str
    zone: ZoneInfo = LONDON
    channel: str = "notify"

    def send(self, notice: DutyNotice) -> None:
        from notifications_python_client.notifications import NotificationsAPIClient

        NotificationsAPIClient(self.api_key, timeout=SMTP_TIMEOUT_SECONDS).send_email_notification(
            email_address=self.to,
            template_id=self.template_id,
            personalisation=notice.personalisation(self.zone),
            reference=notice.key,
        )


def _secret(name: str, path: str) -> str:
    """The first line of a mounted secret file."""
    try:
        text = Path(path).read_text(encoding="utf-8").strip("\r\n")
    except OSError as error:
        raise ValueError(f"{name}: cannot read {path!r} ({error.strerror})") from None
    if not text:
        raise ValueError(f"{name}: {path!r} is empty")
    return text


def _port(text: str | None) -> int:
    """HUBS_SMTP_PORT: 587 (submission with STARTTLS) unless set."""
    if not (text or "").strip():
        return 587
    if not text.strip().isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"HUBS_SMTP_PORT: expected a port number, got {text!r}")
    return int(text)


def duty_notifiers_from_settings(extra: Mapping[str, str], zone: ZoneInfo = LONDON) -> list[DutyNotifier]:
    """HUBS_DUTY_EMAIL (the duty inbox; none: no notices), HUBS_DUTY_EMAIL_FROM (default the inbox),
    HUBS_SMTP_HOST, HUBS_SMTP_PORT (587), HUBS_SMTP_USERNAME, HUBS_SMTP_PASSWORD_FILE,
    HUBS_SMTP_STARTTLS (true), HUBS_NOTIFY_API_KEY_FILE and HUBS_NOTIFY_TEMPLATE_ID."""
    to = (extra.get("HUBS_DUTY_EMAIL") or "").strip()
    if not to:
        return []
    notifiers: list[DutyNotifier] = []
    if extra.get("HUBS_SMTP_HOST"):
        username = extra.get("HUBS_SMTP_USERNAME") or None
        password_file = extra.get("HUBS_SMTP_PASSWORD_FILE")
        if username and not password_file:
            raise ValueError("HUBS_SMTP_USERNAME is set without HUBS_SMTP_PASSWORD_FILE")
        starttls = (extra.get("HUBS_SMTP_STARTTLS") or "true").strip().lower()
        if starttls not in ("true", "false"):
            raise ValueError(f"HUBS_SMTP_STARTTLS: expected true or false, got {starttls!r}")
        notifiers.append(
            SmtpNotifier(
                host=extra["HUBS_SMTP_HOST"],
                port=_port(extra.get("HUBS_SMTP_PORT")),
                sender=extra.get("HUBS_DUTY_EMAIL_FROM") or to,
                to=to,
                username=username,
                password=_secret("HUBS_SMTP_PASSWORD_FILE", password_file) if password_file else None,
                starttls=starttls == "true",
                zone=zone,
            )
        )
    key_file, template = extra.get("HUBS_NOTIFY_API_KEY_FILE"), extra.get("HUBS_NOTIFY_TEMPLATE_ID")
    if bool(key_file) != bool(template):
        raise ValueError("HUBS_NOTIFY_API_KEY_FILE and HUBS_NOTIFY_TEMPLATE_ID are set together or not at all")
    if key_file and template:
        notifiers.append(NotifyNotifier(_secret("HUBS_NOTIFY_API_KEY_FILE", key_file), template, to, zone))
    return notifiers
