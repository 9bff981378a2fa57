"""Wires the care-coordination service together. Nothing runs at import time."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime

from flask import Flask

from hubs.care_coordination.adapters import orm
from hubs.care_coordination.entrypoints.api import blp
from hubs.care_coordination.service_layer import reactions
from hubs.care_coordination.service_layer.handlers import CarePolicy
from hubs.care_coordination.service_layer.unit_of_work import CareUnitOfWork
from hubs.contracts import codes
from hubs.contracts.topics import hub_topic
from hubs.runtime.app import create_app as create_base_app
from hubs.runtime.consumer import Handler
from hubs.runtime.idempotency import idempotency_keys
from hubs.runtime.service import ConsumerSpec, Consumes, ServiceDefinition, Wiring, migrations_dir, standard_wiring
from hubs.runtime.settings import Settings


def today() -> date:
    """The hub's date (UTC); tests put another clock in `wiring.extras["today"]`."""
    return datetime.now(UTC).date()


def care_policy(settings: Settings) -> CarePolicy:
    """HUBS_WAIT_CONTINGENCY (a contingency code, default chased-service) and
    HUBS_MONITORING_REVIEW_DAYS (default 28)."""
    extra = settings.extra
    return CarePolicy(
        wait_contingency=codes.ContingencyAction(extra.get("HUBS_WAIT_CONTINGENCY", "chased-service")),
        monitoring_review_days=int(extra.get("HUBS_MONITORING_REVIEW_DAYS", "28")),
    )


def bootstrap(settings: Settings) -> Wiring:
    wiring = standard_wiring(settings, CareUnitOfWork, orm.outbox, orm.processed_events)
    wiring.extras["policy"] = care_policy(settings)
    wiring.extras["today"] = today
    return wiring


def create_app(wiring: Wiring) -> Flask:
    app, api = create_base_app(
        wiring.settings,
        title="Care-coordination service",
        description="Service directory, onward referrals and waits, monitoring, follow-up and closure of cases.",
        readiness_checks=wiring.readiness_checks(),
        idempotency_keys=idempotency_keys(wiring),
    )
    app.extensions["hubs_wiring"] = wiring
    api.register_blueprint(blp)
    return app


def run_due_check(wiring: Wiring) -> dict[str, int]:
    """Escalate waits past target and ask for follow-ups that are due, as of the hub's today."""
    return reactions.check_due(wiring.uow_factory(), wiring.extras["today"](), wiring.extras["policy"])


def event_handlers(wiring: Wiring | None) -> Mapping[str, Handler]:
    """The worker's handlers, with the hub's policy (the default one when only described)."""
    return reactions.event_handlers(wiring.extras["policy"] if wiring is not None else CarePolicy())  # type: ignore[arg-type]


# The worker's consumers, which share one handler table: each takes the events of its own topic.
# The AsyncAPI document's receive operations are made from them too.
ASSESSMENTS = Consumes(
    "assessments",
    ("assessment",),
    event_handlers,
    "Outcomes to co-ordinate, and raised risks that put the case on the urgent path.",
)
REFERRALS = Consumes(
    "referrals",
    ("referral",),
    event_handlers,
    "Cases to co-ordinate; cases that moved to another hub; withdrawn or closed referrals, which close "
    "the episode of care if it is still open.",
)
CONSUMERS = (ASSESSMENTS, REFERRALS)


def consumers(wiring: Wiring) -> list[ConsumerSpec]:
    s = wiring.settings
    # The due check runs while the worker is idle, at most every HUBS_DUE_CHECK_SECONDS (default 60).
    due_check = reactions.Throttled(lambda: run_due_check(wiring), float(s.extra.get("HUBS_DUE_CHECK_SECONDS", "60")))
    return [ASSESSMENTS.spec(wiring, on_idle=due_check), REFERRALS.spec(wiring)]


def produced_topics(settings: Settings) -> list[str]:
    return [hub_topic(settings.hub_id, "care", prefix=settings.topic_prefix)]


DEFINITION = ServiceDefinition(
    name="care-coordination",
    migrations_dir=migrations_dir(__file__),
    bootstrap=bootstrap,
    create_app=create_app,
    consumers=consumers,
    produced_topics=produced_topics,
)
