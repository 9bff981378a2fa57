"""Wires the reporting service together, in hub mode or national mode. Nothing runs at
import time."""

from __future__ import annotations

from flask import Flask

from hubs.contracts.topics import hub_topic, national_topic
from hubs.reporting.adapters import orm
from hubs.reporting.entrypoints.api import hub_blp, national_blp
from hubs.reporting.service_layer.handlers import HUB_EVENT_HANDLERS, NATIONAL_EVENT_HANDLERS, publish_due_reports
from hubs.reporting.service_layer.unit_of_work import ReportingUnitOfWork
from hubs.runtime.app import create_app as create_base_app
from hubs.runtime.service import ConsumerSpec, ServiceDefinition, Wiring, migrations_dir, standard_wiring
from hubs.runtime.settings import Settings

HUB_TOPICS_COUNTED = ("referral", "assessment", "care", "outreach")


def bootstrap(settings: Settings) -> Wiring:
    if settings.reporting_mode not in ("hub", "national"):
        raise ValueError("HUBS_REPORTING_MODE must be 'hub' or 'national'")
    return standard_wiring(settings, ReportingUnitOfWork, orm.outbox, orm.processed_events)


def create_app(wiring: Wiring) -> Flask:
    national = wiring.settings.reporting_mode == "national"
    app, api = create_base_app(
        wiring.settings,
        title="National reporting service" if national else "Reporting service",
        description=(
            "Every hub's monitoring data set, as published (counts only, small numbers suppressed)."
            if national
            else "The hub's monitoring data set, built from its events, and what it sends to the national team."
        ),
        readiness_checks=wiring.readiness_checks(),
    )
    app.extensions["hubs_wiring"] = wiring
    api.register_blueprint(national_blp if national else hub_blp)
    return app


def consumers(wiring: Wiring) -> list[ConsumerSpec]:
    s = wiring.settings
    if s.reporting_mode == "national":
        return [ConsumerSpec("hub-reports", [national_topic(s.topic_prefix)], NATIONAL_EVENT_HANDLERS)]

    def publish() -> None:
        publish_due_reports(wiring.uow_factory)

    topics = [hub_topic(s.hub_id, service, prefix=s.topic_prefix) for service in HUB_TOPICS_COUNTED]
    return [ConsumerSpec("hub-events", topics, HUB_EVENT_HANDLERS, after_batch=publish, on_idle=publish)]


def produced_topics(settings: Settings) -> list[str]:
    if settings.reporting_mode == "national":
        return []
    return [national_topic(settings.topic_prefix)]


def route(topic: str) -> str:
    """Reports go to the national cluster (which may be the hub's own)."""
    return "national" if "national.hub-reports." in topic else "default"


DEFINITION = ServiceDefinition(
    name="reporting",
    migrations_dir=migrations_dir(__file__),
    bootstrap=bootstrap,
    create_app=create_app,
    consumers=consumers,
    produced_topics=produced_topics,
    route=route,
)
