"""Wires the assessment service together. Nothing runs at import time."""

from __future__ import annotations

import time
from datetime import timedelta

from flask import Flask

from hubs.assessment.adapters import orm
from hubs.assessment.adapters.clinical_notes import vault_from_settings
from hubs.assessment.domain.measures import ScoringRules
from hubs.assessment.entrypoints.api import blp
from hubs.assessment.service_layer.handlers import CARE_EVENT_HANDLERS, EVENT_HANDLERS, erase_expired_reasons
from hubs.assessment.service_layer.unit_of_work import AssessmentUnitOfWork
from hubs.contracts.topics import hub_topic
from hubs.runtime.app import create_app as create_base_app
from hubs.runtime.idempotency import idempotency_keys
from hubs.runtime.service import ConsumerSpec, Consumes, ServiceDefinition, Wiring, migrations_dir, standard_wiring
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
    vault_from_settings(wiring.settings)  # an API without its key does not start: it could keep no reasons
    app.extensions["hubs_wiring"] = wiring
    api.register_blueprint(blp)
    return app


# The Records Management Code of Practice keeps mental health records 20 years after care ends; as
# in the referral service, a closed case's clinical free text goes after HUBS_RETENTION_DAYS.
DEFAULT_RETENTION_DAYS = 20 * 365 + 5


class RetentionSweep:
    """While the worker is idle: erase the outcome reasons of cases closed longer ago than
    HUBS_RETENTION_DAYS, at most once every HUBS_RETENTION_SWEEP_SECONDS (default an hour)."""

    def __init__(self, wiring: Wiring):
        extra = wiring.settings.extra
        self._wiring = wiring
        self._retention = timedelta(days=int(extra.get("HUBS_RETENTION_DAYS") or DEFAULT_RETENTION_DAYS))
        self._every = float(extra.get("HUBS_RETENTION_SWEEP_SECONDS") or 3600)
        self._last = float("-inf")

    def __call__(self) -> None:
        now = time.monotonic()
        if now - self._last >= self._every:
            self._last = now
            erase_expired_reasons(self._wiring.uow_factory(), self._retention)


# The worker's consumers; the AsyncAPI document's receive operations are made from them too.
REFERRALS = Consumes(
    "referrals",
    ("referral",),
    EVENT_HANDLERS,
    "A referral becomes an assessment to do once the person is reached; a case withdrawn, closed or moved to "
    "another hub leaves the to-do list and the follow-ups due; a person's details erased erase the reasons "
    "for their case's outcome.",
)
FOLLOW_UPS = Consumes("care", ("care",), CARE_EVENT_HANDLERS, "Follow-ups to measure.")
CONSUMERS = (REFERRALS, FOLLOW_UPS)


def consumers(wiring: Wiring) -> list[ConsumerSpec]:
    return [REFERRALS.spec(wiring, on_idle=RetentionSweep(wiring)), FOLLOW_UPS.spec(wiring)]


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
