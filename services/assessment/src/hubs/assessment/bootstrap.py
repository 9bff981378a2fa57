"""Wires the assessment service together. Nothing runs at import time."""

from __future__ import annotations

from flask import Flask

from hubs.assessment.adapters import orm
from hubs.assessment.domain.measures import ScoringRules
from hubs.assessment.entrypoints.api import blp
from hubs.assessment.service_layer.handlers import CARE_EVENT_HANDLERS, EVENT_HANDLERS
from hubs.assessment.service_layer.unit_of_work import AssessmentUnitOfWork
from hubs.contracts.topics import hub_topic
from hubs.runtime.app import create_app as create_base_app
from hubs.runtime.idempotency import idempotency_keys
from hubs.runtime.service import ConsumerSpec, ServiceDefinition, Wiring, migrations_dir, standard_wiring
from hubs.runtime.settings import Settings


def scoring_rules(settings: Settings) -> ScoringRules:
    """The hub's cut-offs: HUBS_PC_PTSD5_CUT_OFF (3 or 4, default 3), HUBS_AUDIT_C_CUT_OFF (4 or 5, default 5)."""
    return ScoringRules(
        pc_ptsd5_cut_off=int(settings.extra.get("HUBS_PC_PTSD5_CUT_OFF", "3")),
        audit_c_cut_off=int(settings.extra.get("HUBS_AUDIT_C_CUT_OFF", "5")),
    )


def bootstrap(settings: Settings) -> Wiring:
    wiring = standard_wiring(settings, AssessmentUnitOfWork, orm.outbox, orm.processed_events)
    wiring.extras["scoring_rules"] = scoring_rules(settings)
    return wiring


def create_app(wiring: Wiring) -> Flask:
    app, api = create_base_app(
        wiring.settings,
        title="Assessment service",
        description="Rapid clinical assessment: measures, risk, work situation and outcome decision.",
        readiness_checks=wiring.readiness_checks(),
        idempotency_keys=idempotency_keys(wiring),
    )
    app.extensions["hubs_wiring"] = wiring
    api.register_blueprint(blp)
    return app


def consumers(wiring: Wiring) -> list[ConsumerSpec]:
    s = wiring.settings
    return [
        ConsumerSpec("referrals", [hub_topic(s.hub_id, "referral", prefix=s.topic_prefix)], EVENT_HANDLERS),
        ConsumerSpec("care", [hub_topic(s.hub_id, "care", prefix=s.topic_prefix)], CARE_EVENT_HANDLERS),
    ]


def produced_topics(settings: Settings) -> list[str]:
    return [hub_topic(settings.hub_id, "assessment", prefix=settings.topic_prefix)]


DEFINITION = ServiceDefinition(
    name="assessment",
    migrations_dir=migrations_dir(__file__),
    bootstrap=bootstrap,
    create_app=create_app,
    consumers=consumers,
    produced_topics=produced_topics,
)
