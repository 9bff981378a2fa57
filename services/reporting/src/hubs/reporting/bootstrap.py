"""Wires the reporting service together, in hub mode or national mode. Nothing runs at
import time."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from functools import partial

from flask import Flask

from hubs.contracts import topics
from hubs.contracts.topics import hub_topic
from hubs.contracts.working_time import HubHolidays
from hubs.reporting.adapters import orm
from hubs.reporting.adapters.published_reports import published_versions
from hubs.reporting.adapters.signing import HubRegistry, ReportSigner, count_rejected, start_counting_rejections
from hubs.reporting.adapters.timeliness import HubTimeliness, grace_days
from hubs.reporting.domain.dataset import DatasetRules
from hubs.reporting.domain.provenance import DEFAULT_VERSION_STEP
from hubs.reporting.domain.sign_off import DEFAULT_SIGN_OFF_DAYS
from hubs.reporting.entrypoints.api import hub_blp, national_blp
from hubs.reporting.service_layer.handlers import (
    ReportCycle,
    carry_on_versions,
    hub_event_handlers,
    load_cases_of,
    load_reports_of,
    national_event_handlers,
)
from hubs.reporting.service_layer.unit_of_work import ReportingUnitOfWork
from hubs.runtime.app import create_app as create_base_app
from hubs.runtime.consumer import Handler
from hubs.runtime.idempotency import idempotency_keys
from hubs.runtime.service import ConsumerSpec, Consumes, ServiceDefinition, Wiring, migrations_dir, standard_wiring
from hubs.runtime.settings import Settings


def dataset_rules(settings: Settings) -> DatasetRules:
    """The hub's calendar: England and Wales bank holidays and the hub's closure days
    (HUBS_BANK_HOLIDAYS), the days the referral service's first-contact deadlines skip too."""
    return DatasetRules(
        holidays=HubHolidays.from_setting(settings.extra.get("HUBS_BANK_HOLIDAYS")),
    )


def consumer_name(settings: Settings, name: str) -> str:
    """A consumer's name; a new HUBS_REPORTING_GENERATION gives a new consumer group, which
    reads every topic again from the earliest offset (rebuild into a fresh schema)."""
    generation = settings.extra.get("HUBS_REPORTING_GENERATION", "")
    return f"{name}-{generation}" if generation else name


def bootstrap(settings: Settings) -> Wiring:
    if settings.reporting_mode not in ("hub", "national"):
        raise ValueError("HUBS_REPORTING_MODE must be 'hub' or 'national'")
    wiring = standard_wiring(settings, ReportingUnitOfWork, orm.outbox, orm.processed_events)
    wiring.extras["clock"] = lambda: datetime.now(UTC)  # tests put a clock of their own here
    wiring.extras["rules"] = dataset_rules(settings)
    wiring.extras["sign_off_days"] = sign_off_days(settings)
    return wiring


def sign_off_days(settings: Settings) -> int:
    """HUBS_REPORT_SIGN_OFF_DAYS: days after a month ends that its report waits for the hub
    lead's sign-off before it is final without it (0: final as soon as it ends)."""
    text = settings.extra.get("HUBS_REPORT_SIGN_OFF_DAYS", str(DEFAULT_SIGN_OFF_DAYS)).strip()
    if not text.isdigit() or int(text) > 366:
        raise ValueError("HUBS_REPORT_SIGN_OFF_DAYS must be a whole number of days from 0 to 366")
    return int(text)


def version_step(settings: Settings) -> int:
    """HUBS_NATIONAL_REPORT_VERSION_STEP: how far above the last version taken for a hub's
    period a report may go (further is refused: it would hide every later real report)."""
    text = settings.extra.get("HUBS_NATIONAL_REPORT_VERSION_STEP", str(DEFAULT_VERSION_STEP)).strip()
    if not text.isdigit() or int(text) < 1:
        raise ValueError("HUBS_NATIONAL_REPORT_VERSION_STEP must be a whole number of at least 1")
    return int(text)


def report_signature(wiring: Wiring):
    """The relay's headers: a hub signs every report it sends; the key is read when the relay starts."""
    if wiring.settings.reporting_mode == "national":
        return lambda topic, value: []
    return ReportSigner.from_settings(wiring.settings).headers_for


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
        idempotency_keys=idempotency_keys(wiring),
    )
    app.extensions["hubs_wiring"] = wiring
    api.register_blueprint(national_blp if national else hub_blp)
    return app


def hub_handlers(wiring: Wiring | None) -> Mapping[str, Handler]:
    """Every hub event the data set is built from, dated by the service's clock (tests put their own
    in `wiring.extras["clock"]`) and placed within the hub's records."""
    if wiring is None:
        return hub_event_handlers(lambda: datetime.now(UTC))
    return hub_event_handlers(lambda: wiring.extras["clock"](), wiring.settings.records_start)  # type: ignore[operator]


def national_handlers(wiring: Wiring | None) -> Mapping[str, Handler]:
    """Hubs' reports, each version taken only within HUBS_NATIONAL_REPORT_VERSION_STEP of the last."""
    return national_event_handlers(version_step(wiring.settings) if wiring is not None else DEFAULT_VERSION_STEP)


# The worker's consumer in hub mode and in national mode; the AsyncAPI document's receive operations
# are made from them too. The hub's reads every hub topic, the reporting service's own included
# (imported sickness absence).
HUB_EVENTS = Consumes(
    "hub-events",
    ("referral", "assessment", "care", "outreach", "reporting"),
    hub_handlers,
    "Facts of the national data set, rebuilt from the events.",
)
HUB_REPORTS = Consumes(
    "hub-reports",
    (topics.NATIONAL,),
    national_handlers,
    "Reporting in national mode takes each hub's signed period report, to compare hubs and regions.",
)
CONSUMERS = (HUB_EVENTS, HUB_REPORTS)


def consumers(wiring: Wiring) -> list[ConsumerSpec]:
    s = wiring.settings
    if s.reporting_mode == "national":
        # Only reports signed by a registered hub's key are taken (read once, at start).
        registry = HubRegistry.from_settings(s)
        start_counting_rejections()
        # Every registered hub's silence and lateness, refreshed as the worker goes round.
        timeliness = HubTimeliness(
            {hub.hub_id: hub.region for hub in registry.hubs.values()},
            wiring.uow_factory,
            lambda: wiring.extras["clock"](),  # type: ignore[operator]
            grace_days(s, wiring.extras["sign_off_days"]),  # type: ignore[arg-type]
            every=float(s.extra.get("HUBS_PERIOD_CLOSE_CHECK_SECONDS", "60")),
        )
        return [
            HUB_REPORTS.spec(
                wiring,
                name=consumer_name(s, HUB_REPORTS.name),
                after_batch=timeliness.after_batch,
                on_idle=timeliness,
                verify=registry.verify,
                dead_lettered=count_rejected,
                prepare_batch=load_reports_of,
            )
        ]

    def clock() -> datetime:
        return wiring.extras["clock"]()  # type: ignore[operator]

    carry_on = None
    if s.extra.get("HUBS_REPORTING_GENERATION"):
        # A rebuild: read back what the hub already published before sending anything.
        published = partial(
            published_versions,
            s.national_kafka_bootstrap_servers,
            s.national_topic,
            s.hub_id,
            security=s.national_kafka_security,
        )
        carry_on = partial(carry_on_versions, wiring.uow_factory, published)
    cycle = ReportCycle(
        wiring.uow_factory,
        wiring.extras["rules"],  # type: ignore[arg-type]
        clock,
        close_every=float(s.extra.get("HUBS_PERIOD_CLOSE_CHECK_SECONDS", "60")),
        version_floor=int(s.extra.get("HUBS_REPORT_VERSION_FLOOR", "1")),
        before_first=carry_on,
        records_start=s.records_start,
        sign_off_days=wiring.extras["sign_off_days"],  # type: ignore[arg-type]
        send_every=float(s.extra.get("HUBS_REPORT_SEND_SECONDS", "1")),
        backlog_every=float(s.extra.get("HUBS_REPORT_BACKLOG_SECONDS", "30")),
    )
    return [
        HUB_EVENTS.spec(
            wiring,
            name=consumer_name(s, HUB_EVENTS.name),
            after_batch=cycle.after_batch,
            on_idle=cycle,
            prepare_batch=load_cases_of,
        )
    ]


def produced_topics(settings: Settings) -> list[str]:
    if settings.reporting_mode == "national":
        return []
    return [
        settings.national_topic,
        hub_topic(settings.hub_id, "reporting", prefix=settings.topic_prefix),
    ]


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
    message_headers=report_signature,
)
