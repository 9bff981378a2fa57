"""Wires the outreach service together. Nothing runs at import time."""

from __future__ import annotations

import time
from collections.abc import Callable

from flask import Flask

from hubs.contracts.topics import hub_topic
from hubs.outreach.adapters import orm
from hubs.outreach.adapters.participation_secret import participation_secrets
from hubs.outreach.entrypoints.api import blp
from hubs.outreach.entrypoints.workforce_api import PARTICIPATION_SECRETS, workforce_blp
from hubs.outreach.service_layer.handlers import REFERRAL_EVENT_HANDLERS
from hubs.outreach.service_layer.unit_of_work import OutreachUnitOfWork
from hubs.outreach.service_layer.workforce_handlers import close_due_surveys
from hubs.runtime.app import create_app as create_base_app
from hubs.runtime.idempotency import idempotency_keys
from hubs.runtime.service import ConsumerSpec, Consumes, ServiceDefinition, Wiring, migrations_dir, standard_wiring
from hubs.runtime.settings import Settings

# How often the worker looks for staff surveys due to close.
SURVEY_CHECK_SECONDS = 60.0


def bootstrap(settings: Settings) -> Wiring:
    """The service's engine, sessions and unit of work."""
    return standard_wiring(settings, OutreachUnitOfWork, orm.outbox, orm.processed_events)


def create_app(wiring: Wiring) -> Flask:
    """The API: outreach, training and engagement, and the hub's own workforce."""
    app, api = create_base_app(
        wiring.settings,
        title="Outreach service",
        description="Outreach and inreach, training, stakeholder engagement and the hub's own workforce.",
        readiness_checks=wiring.readiness_checks(),
        idempotency_keys=idempotency_keys(wiring),
    )
    # Read at start: an API without the secret outside the database does not take survey answers.
    wiring.extras[PARTICIPATION_SECRETS] = participation_secrets(wiring.settings)
    app.extensions["hubs_wiring"] = wiring
    api.register_blueprint(blp)
    api.register_blueprint(workforce_blp)
    return app


# Referrals that name an outreach code are credited to it: which outreach brings people in.
REFERRAL_ATTRIBUTION = Consumes(
    "referral-attribution",
    ("referral",),
    REFERRAL_EVENT_HANDLERS,
    "Referrals naming an outreach code are credited to the event or campaign.",
)
# The worker's consumers; the AsyncAPI document's receive operations are made from them too.
CONSUMERS = (REFERRAL_ATTRIBUTION,)


def consumers(wiring: Wiring) -> list[ConsumerSpec]:
    """The worker's one consumer: referrals, credited to the outreach they name."""
    # While idle it also closes staff surveys whose closing day has passed, releasing their answers.
    return [
        REFERRAL_ATTRIBUTION.spec(
            wiring, on_idle=every(SURVEY_CHECK_SECONDS, lambda: close_due_surveys(wiring.uow_factory))
        )
    ]


def every(seconds: float, work: Callable[[], object]) -> Callable[[], None]:
    """`work`, run at most once per `seconds` however often the returned function is called."""
    last = [float("-inf")]

    def maybe() -> None:
        now = time.monotonic()
        if now - last[0] >= seconds:
            last[0] = now
            work()

    return maybe


def produced_topics(settings: Settings) -> list[str]:
    """The outreach topic of this hub."""
    return [hub_topic(settings.hub_id, "outreach", prefix=settings.topic_prefix)]


DEFINITION = ServiceDefinition(
    name="outreach",
    migrations_dir=migrations_dir(__file__),
    bootstrap=bootstrap,
    create_app=create_app,
    consumers=consumers,
    produced_topics=produced_topics,
)
