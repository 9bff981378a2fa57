"""Notices to the hub's duty inbox, sent by the worker.

An urgent referral is announced when its triage (`ReferralTriaged`, urgent: a new referral, one made
urgent by a later screen, or one transferred in) comes back from the hub's own topic: the event
waits in the outbox while the broker is away, and a notice that cannot be sent fails the event, which
the consumer retries and, after its attempts, parks on the dead-letter topic. A referral about to
miss its standard is found by the worker's sweep of the waiting referrals (the same count as the
at-risk figure) and tried again at each sweep until sent, or until it has failed as many times as
the consumer would try.

Each notice goes once per referral, reason and channel: its row in `duty_notifications` is held
while it is sent and marks it sent in the same transaction. Only a crash between the mail server's
acceptance and that commit can send one twice."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from hubs.contracts import codes
from hubs.referral.adapters import metrics
from hubs.referral.adapters.duty_notifiers import DutyNotifier, duty_notifiers_from_settings
from hubs.referral.domain.duty import FIRST_CONTACT_AT_RISK, URGENT_REFERRAL, DutyNotice, at_risk
from hubs.referral.domain.model import AWAITING_FIRST_CONTACT, Referral
from hubs.referral.service_layer.context import ReferralContext
from hubs.runtime.settings import Settings

log = logging.getLogger(__name__)


class NoticeNotSent(Exception):
    """A channel could not deliver a notice (what was sent on the others is kept)."""


@dataclass
class Duty:
    """Where notices go (none: the hub has no duty inbox configured) and the portal they link to."""

    notifiers: list[DutyNotifier] = field(default_factory=list)
    portal_url: str = ""
    # Failed sweeps of one at-risk notice before it is left as failed (the consumer's attempts).
    give_up_after: int = 5

    @classmethod
    def from_settings(cls, settings: Settings, zone: ZoneInfo) -> Duty:
        """HUBS_DUTY_EMAIL and its channels (see duty_notifiers_from_settings), HUBS_PORTAL_URL."""
        notifiers = duty_notifiers_from_settings(settings.extra, zone)
        portal_url = (settings.extra.get("HUBS_PORTAL_URL") or "").strip()
        if notifiers and not portal_url:
            raise ValueError("HUBS_PORTAL_URL is required with HUBS_DUTY_EMAIL: a notice links to the case")
        return cls(notifiers, portal_url, settings.consumer_max_attempts)


def notify(
    duty: Duty,
    uow_factory: Callable[[], Any],
    referral: Referral,
    reason: str,
    now: datetime | None = None,
    give_up_after: int | None = None,
) -> int:
    """Send the notice on every channel that has not sent it yet; the number sent now. Raises
    NoticeNotSent if a channel failed (its attempt is recorded); `give_up_after` leaves alone a
    notice that has failed that many times."""
    notice = DutyNotice.of(referral, reason, duty.portal_url)
    sent, failed = 0, []
    for notifier in duty.notifiers:
        channel = notifier.channel
        with uow_factory() as uow:
            done = uow.referrals.claim_notification(referral.referral_id, reason, channel)
            if done["sent_at"] is not None or (give_up_after is not None and done["attempts"] >= give_up_after):
                continue
            try:
                notifier.send(notice)
            except Exception as exc:
                uow.referrals.notification_done(
                    referral.referral_id, reason, channel, sent_at=None, error=type(exc).__name__[:80]
                )
                uow.commit()
                metrics.DUTY_NOTIFICATIONS_FAILED.labels(channel, reason).inc()
                gave_up = give_up_after is not None and done["attempts"] + 1 >= give_up_after
                (log.error if gave_up else log.warning)(
                    "duty notice given up" if gave_up else "duty notice not sent, will retry",
                    extra={"channel": channel, "reason": reason, "error_type": type(exc).__name__},
                )
                failed.append(exc)
                continue
            uow.referrals.notification_done(
                referral.referral_id, reason, channel, sent_at=now or datetime.now(UTC), error=None
            )
            uow.commit()
        metrics.DUTY_NOTIFICATIONS_SENT.labels(channel, reason).inc()
        sent += 1
    if failed:
        channels = ", ".join(type(exc).__name__ for exc in failed)
        raise NoticeNotSent(f"{reason}: not sent ({channels})") from failed[0]
    return sent


def urgent_referral_handler(duty: Duty, uow_factory: Callable[[], Any]):
    """The consumer's handler of `ReferralTriaged`: announce an urgent referral still waiting for
    first contact (one already contacted or closed, e.g. on a first read of old events, is not)."""

    def on_referral_triaged(event: Mapping[str, Any], uow) -> None:
        data = event["data"]
        if codes.Urgency(data["urgency"]) is not codes.Urgency.URGENT:
            return
        referral = uow.referrals.get(uuid.UUID(str(data["referral_id"])))
        if referral is None or referral.status != AWAITING_FIRST_CONTACT:
            return
        notify(duty, uow_factory, referral, URGENT_REFERRAL)

    return on_referral_triaged


def warn_at_risk(duty: Duty, uow_factory: Callable[[], Any], ctx: ReferralContext, now: datetime | None = None) -> int:
    """Announce each referral about to miss its first-contact standard, once; the number sent now.
    A notice that fails is tried again at the next sweep."""
    if not duty.notifiers:
        return 0
    at = now or datetime.now(UTC)
    end_of_day = ctx.calendar.end_of_day(at)
    with uow_factory() as uow:
        waiting = uow.referrals.awaiting_first_contact()
    sent = 0
    for referral in waiting:
        if not at_risk(referral, at, end_of_day):
            continue
        try:
            sent += notify(duty, uow_factory, referral, FIRST_CONTACT_AT_RISK, at, duty.give_up_after)
        except Exception as exc:  # the next sweep tries again; the others still go now
            log.warning("at-risk notice not sent", extra={"error_type": type(exc).__name__})
    return sent
