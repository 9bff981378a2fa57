"""Wires the care-coordination service together. Nothing runs at import time."""

from __future__ import annotations

from flask import Flask

from hubs.care_coordination.adapters import orm
from hubs.care_coordination.entrypoints.api import blp
from hubs.care_coordination.service_layer.handlers import EVENT_HANDLERS
from hubs.care_coordination.service_layer.unit_of_work import CareUnitOfWork
from hubs.contracts.topics import hub_topic
from hubs.runtime.app import create_app as create_base_app
from hubs.runtime.service import ConsumerSpec, ServiceDefinition, Wiring, migrations_dir, standard_wiring
from hubs.runtime.settings import Settings


def bootstrap(settings: Settings) -> Wiring:
    return standard_wiring(settings, CareUnitOfWork, orm.outbox, orm.processed_events)


def create_app(wiring: Wiring) -> Flask:
    app, api = create_base_app(
        wiring.settings,
        title="Care-coordination service",
        description="Onward referrals, waits, monitoring, follow-up and closure of a hub's cases.",
        readiness_checks=wiring.readiness_checks(),
    )
    app.extensions["hubs_wiring"] = wiring
    api.register_blueprint(blp)
    return app


def consumers(wiring: Wiring) -> list[ConsumerSpec]:
    s = wiring.settings
    return [ConsumerSpec("assessments", [hub_topic(s.hub_id, "assessment", prefix=s.topic_prefix)], EVENT_HANDLERS)]


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
