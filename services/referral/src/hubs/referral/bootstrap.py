"""Wires the referral service together. Nothing runs at import time."""

from __future__ import annotations

import time
from collections.abc import Mapping

from flask import Flask

from hubs.contracts.topics import hub_topic
from hubs.referral.adapters import orm
from hubs.referral.entrypoints import cases
from hubs.referral.entrypoints.api import CONFIDENTIALITY, blp
from hubs.referral.service_layer import duty, handlers, reactions, transfers
from hubs.referral.service_layer.context import ReferralContext
from hubs.referral.service_layer.unit_of_work import ReferralUnitOfWork
from hubs.runtime.app import create_app as create_base_app
from hubs.runtime.consumer import Handler
from hubs.runtime.idempotency import idempotency_keys
from hubs.runtime.service import ConsumerSpec, Consumes, ServiceDefinition, Wiring, migrations_dir, standard_wiring
from hubs.runtime.settings import Settings


def bootstrap(settings: Settings) -> Wiring:
    wiring = standard_wiring(settings, ReferralUnitOfWork, orm.outbox, orm.processed_events)
    context = ReferralContext.from_settings(settings)
    wiring.extras["referral"] = context
    wiring.extras["vault"] = context.vault
    return wiring


def create_app(wiring: Wiring) -> Flask:
    app, api = create_base_app(
        wiring.settings,
        title="Referral service",
        description=f"Referrals to a staff mental health and wellbeing hub. {CONFIDENTIALITY}",
        readiness_checks=wiring.readiness_checks(),
        idempotency_keys=idempotency_keys(wiring),
    )
    app.extensions["hubs_wiring"] = wiring
    api.register_blueprint(blp)
    api.register_blueprint(cases.blp)
    return app


def transfer_handlers(wiring: Wiring | None) -> Mapping[str, Handler]:
    """Transfers from neighbouring hubs, taken in with this hub's referral context."""
    context = wiring.extras["referral"] if wiring is not None else None
    return {"ReferralTransferredOut": lambda envelope, uow: transfers.receive_transfer(envelope, uow, context)}


def duty_handlers(wiring: Wiring | None) -> Mapping[str, Handler]:
    """Urgent referrals, announced to the duty inbox (an inbox with no channels when only described)."""
    notices, uow_factory = (wiring.extras["duty"], wiring.uow_factory) if wiring is not None else (duty.Duty(), None)
    return {"ReferralTriaged": duty.urgent_referral_handler(notices, uow_factory)}


# The worker's consumers; the AsyncAPI document's receive operations are made from them too.
TRANSFERS_IN = Consumes(
    "transfers-in",
    ("referral",),
    transfer_handlers,
    "Transfers from neighbouring hubs' referral topics addressed to this hub (to_hub_id); with no "
    "neighbours it reads its own topic, and nothing there is addressed to it.",
)
EPISODES_CLOSED = Consumes(
    "care",
    ("care",),
    reactions.CARE_EVENT_HANDLERS,
    "Episodes closed in care co-ordination, which close the referral if it is still open.",
)
URGENT_REFERRALS = Consumes(
    "duty",
    ("referral",),
    duty_handlers,
    "With a duty inbox (HUBS_DUTY_EMAIL): urgent referrals still waiting for first contact are announced.",
)
CONSUMERS = (TRANSFERS_IN, EPISODES_CLOSED, URGENT_REFERRALS)


def consumers(wiring: Wiring) -> list[ConsumerSpec]:
    """Transfers in from neighbouring hubs' referral topics, with erasure of expired personal data
    and notices of referrals about to miss their standard when idle; episodes closed in care
    co-ordination, which close the referral; and, with a duty inbox, urgent referrals announced."""
    s = wiring.settings
    context: ReferralContext = wiring.extras["referral"]
    # Built here, in the worker: only it sends notices (and reads the mail and Notify secrets).
    notices = duty.Duty.from_settings(s, context.calendar.zone)
    wiring.extras["duty"] = notices
    neighbours = sorted(context.transfer_keys.neighbours) if context.transfer_keys else []
    # With no neighbours the worker still reads its own topic, so that retention runs.
    topics = [hub_topic(n, "referral", prefix=s.topic_prefix) for n in neighbours] or None
    specs = [
        TRANSFERS_IN.spec(wiring, topics=topics, on_idle=RetentionSweep(wiring)),
        EPISODES_CLOSED.spec(wiring),
    ]
    if notices.notifiers:
        specs.append(URGENT_REFERRALS.spec(wiring))
    return specs


class RetentionSweep:
    """While the worker is idle: erase personal data past its retention period (at most once every
    HUBS_RETENTION_SWEEP_SECONDS); refresh the waiting-for-first-contact gauges and tell the duty
    inbox of referrals about to miss their standard (every 30 s)."""

    def __init__(self, wiring: Wiring):
        self._wiring = wiring
        self._every = float(wiring.settings.extra.get("HUBS_RETENTION_SWEEP_SECONDS") or 3600)
        self._last_sweep = 0.0
        self._last_count = 0.0

    def __call__(self) -> None:
        now = time.monotonic()
        context = self._wiring.extras["referral"]
        if not self._last_count or now - self._last_count >= 30:
            self._last_count = now
            handlers.count_waiting(self._wiring.uow_factory(), context)
            notices = self._wiring.extras.get("duty")
            if isinstance(notices, duty.Duty):
                duty.warn_at_risk(notices, self._wiring.uow_factory, context)
        if not self._last_sweep or now - self._last_sweep >= self._every:
            self._last_sweep = now
            handlers.erase_expired(self._wiring.uow_factory(), context)


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
