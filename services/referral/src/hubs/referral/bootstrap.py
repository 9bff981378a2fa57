"""Wires the referral service together. Nothing runs at import time."""

from __future__ import annotations

from flask import Flask

from hubs.contracts.topics import hub_topic
from hubs.referral.adapters import orm
from hubs.referral.adapters.personal_data import PersonalDataVault
from hubs.referral.entrypoints.api import CONFIDENTIALITY, blp
from hubs.referral.service_layer.unit_of_work import ReferralUnitOfWork
from hubs.runtime.app import create_app as create_base_app
from hubs.runtime.service import ConsumerSpec, ServiceDefinition, Wiring, migrations_dir, standard_wiring
from hubs.runtime.settings import Settings


def bootstrap(settings: Settings) -> Wiring:
    wiring = standard_wiring(settings, ReferralUnitOfWork, orm.outbox, orm.processed_events)
    wiring.extras["vault"] = PersonalDataVault.from_setting(settings.extra.get("HUBS_PERSONAL_DATA_KEYS"))
    return wiring


def create_app(wiring: Wiring) -> Flask:
    app, api = create_base_app(
        wiring.settings,
        title="Referral service",
        description=f"Referrals to a staff mental health and wellbeing hub. {CONFIDENTIALITY}",
        readiness_checks=wiring.readiness_checks(),
    )
    app.extensions["hubs_wiring"] = wiring
    api.register_blueprint(blp)
    return app


def consumers(wiring: Wiring) -> list[ConsumerSpec]:
    return []


def produced_topics(settings: Settings) -> list[str]:
    return [hub_topic(settings.hub_id, "referral", prefix=settings.topic_prefix)]


DEFINITION = ServiceDefinition(
    name="referral",
    migrations_dir=migrations_dir(__file__),
    bootstrap=bootstrap,
    create_app=create_app,
    consumers=consumers,
    produced_topics=produced_topics,
)
