"""Wires the outreach service together. Nothing runs at import time."""

from __future__ import annotations

from flask import Flask

from hubs.contracts.topics import hub_topic
from hubs.outreach.adapters import orm
from hubs.outreach.entrypoints.api import blp
from hubs.outreach.service_layer.unit_of_work import OutreachUnitOfWork
from hubs.runtime.app import create_app as create_base_app
from hubs.runtime.service import ConsumerSpec, ServiceDefinition, Wiring, migrations_dir, standard_wiring
from hubs.runtime.settings import Settings


def bootstrap(settings: Settings) -> Wiring:
    return standard_wiring(settings, OutreachUnitOfWork, orm.outbox, orm.processed_events)


def create_app(wiring: Wiring) -> Flask:
    app, api = create_base_app(
        wiring.settings,
        title="Outreach service",
        description="Outreach and inreach, training, stakeholder engagement and the hub's own workforce.",
        readiness_checks=wiring.readiness_checks(),
    )
    app.extensions["hubs_wiring"] = wiring
    api.register_blueprint(blp)
    return app


def consumers(wiring: Wiring) -> list[ConsumerSpec]:
    # Outreach needs no other service's events.
    return []


def produced_topics(settings: Settings) -> list[str]:
    return [hub_topic(settings.hub_id, "outreach", prefix=settings.topic_prefix)]


DEFINITION = ServiceDefinition(
    name="outreach",
    migrations_dir=migrations_dir(__file__),
    bootstrap=bootstrap,
    create_app=create_app,
    consumers=consumers,
    produced_topics=produced_topics,
)
