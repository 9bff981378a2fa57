"""A referral left past its first-contact due time is counted overdue by the real referral worker
and fires HubsFirstContactStandardBreached at once, before anyone records a late contact; a
referral still within the standard fires nothing. The captured scrapes become a promtool test
(see alert_capture).

The due time comes from the referral service's own clock: `receive_referral` takes the moment a
referral is received, so a referral received two weeks ago (due two working days later) is
overdue now, whatever day the test runs on, with no waiting."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet

from hubs.referral.bootstrap import DEFINITION as REFERRAL
from hubs.referral.domain import commands
from hubs.referral.domain.model import RiskScreen
from hubs.referral.service_layer import handlers
from hubs.runtime.testing import eventually, free_port

from .alert_capture import Capture, Process, firing, promtool_test, quiet

pytestmark = pytest.mark.reliability

ALERTS = ("HubsFirstContactStandardBreached",)


def receive(service, at: datetime):
    """A routine self-referral received at `at`, through the referral service's own handler."""
    person = uuid.uuid4().hex[:8]
    cmd = commands.ReceiveReferral(
        personal=commands.PersonalDetails(name=f"Overdue Test {person}", email=f"overdue.{person}@example.org"),
        risk_screen=RiskScreen(False, False),
        consent=commands.Consent("self", at.isoformat(), "online-form"),
    )
    context = service.wiring.extras["referral"]
    return handlers.receive_referral(cmd, service.wiring.uow_factory(), context, now=at).referral


def overdue_counted(capture: Capture, urgency: str) -> list[float | None]:
    """What the captured scrapes said of hubs_first_contact_overdue for `urgency`."""
    return next(
        values
        for (name, labels), values in capture.series.items()
        if name == "hubs_first_contact_overdue" and dict(labels)["urgency"] == urgency
    )


def counted(capture: Capture) -> bool:
    """Whether the worker has counted the waiting referrals (it does so when it is first idle)."""
    capture.scrape()
    return any(name == "hubs_first_contact_overdue" for name, _ in capture.series)


@pytest.fixture
def worker_of():
    started: list[Process] = []

    def start(service) -> Process:
        process = Process("referral", "worker", service.settings, free_port())
        started.append(process)
        process.wait_scrapable()
        return process

    yield start
    for process in started:
        process.kill()


def test_a_referral_left_past_its_first_contact_due_time_fires_the_breach_alert_before_any_late_contact(
    run_service, worker_of, tmp_path
):
    referral = run_service(REFERRAL, extra={"HUBS_PERSONAL_DATA_KEYS": Fernet.generate_key().decode()})
    now = datetime.now(UTC)
    on_time = receive(referral, now)
    assert on_time.first_contact_due_by > now

    # Within the standard: counted, and nothing fires.
    worker = worker_of(referral)
    within = Capture([worker.target])
    eventually(lambda: counted(within), timeout=60, interval=0)
    within.scrape(2)
    assert overdue_counted(within, "routine")[-1] == 0.0
    promtool_test(within, tmp_path, "within_the_standard", [quiet(a) for a in ALERTS])
    worker.kill()

    # Received two weeks ago: two working days are long gone, and nobody has made contact.
    late = receive(referral, now - timedelta(days=14))
    assert late.first_contact_due_by < now and late.first_contacted_at is None
    worker = worker_of(referral)
    past_due = Capture([worker.target])
    eventually(lambda: counted(past_due), timeout=60, interval=0)
    past_due.scrape(2)
    assert overdue_counted(past_due, "routine")[-1] == 1.0
    assert overdue_counted(past_due, "urgent")[-1] == 0.0
    promtool_test(
        past_due,
        tmp_path,
        "past_first_contact_due_time",
        [firing("HubsFirstContactStandardBreached", "critical", service="referral", urgency="routine")],
    )
