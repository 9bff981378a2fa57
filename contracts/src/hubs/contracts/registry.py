"""The catalogue of events: every event type, its versions, its schema and its topic."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from marshmallow import Schema

from hubs.contracts import topics

CASE_KEY = "case_id"


@dataclass(frozen=True)
class EventSpec:
    """One published version of one event type."""

    event_type: str
    version: int
    schema: type[Schema]
    service: str  # the service whose topic carries it: referral, assessment, care, outreach, reporting
    about_case: bool  # True when the envelope must carry a case_id
    summary: str
    # The Kafka key: the envelope's case_id, or for events not about a case the data field(s)
    # naming the aggregate ("a:b" joins the values of fields a and b with a colon), so that
    # one aggregate's events stay in order on one partition.
    key: str = CASE_KEY
    # True for what leaves the hub on the national topic instead of the service's hub topic.
    national: bool = False

    @cached_property
    def validator(self) -> Schema:
        """One instance of the schema, kept: building one costs more than most loads it does."""
        return self.schema()

    @property
    def key_fields(self) -> tuple[str, ...]:
        """The data fields whose values make the Kafka key; empty when it is the case_id."""
        return () if self.about_case else tuple(self.key.split(":"))

    @property
    def name(self) -> str:
        """`<EventType>.v<N>`: the name of this version in generated files and AsyncAPI."""
        return f"{self.event_type}.v{self.version}"

    def topic(self, hub_id: str, prefix: str = "", national_prefix: str | None = None) -> str:
        """The topic this event is published on by the hub `hub_id`: its service's hub topic, or
        the national topic (whose prefix may differ from the hub's: it is another cluster)."""
        if self.national:
            return topics.national_topic(prefix if national_prefix is None else national_prefix)
        return topics.hub_topic(hub_id, self.service, prefix=prefix)


CATALOGUE: dict[tuple[str, int], EventSpec] = {}


def event(
    event_type: str,
    *,
    version: int = 1,
    service: str,
    about_case: bool = True,
    key: str | None = None,
    national: bool = False,
) -> Callable[[type[Schema]], type[Schema]]:
    """Class decorator registering a marshmallow schema as the data of an event version.

    `key` names the data field(s) used as the Kafka key of an event not about a case
    ("a:b" for several, joined with a colon); events about a case are keyed by case_id."""

    def register(schema: type[Schema]) -> type[Schema]:
        where = f"event {event_type} v{version}"
        if (event_type, version) in CATALOGUE:
            raise ValueError(f"{where} registered twice")
        if version < 1:
            raise ValueError(f"{where}: versions start at 1")
        if service not in topics.SERVICES:
            raise ValueError(f"{where}: unknown service {service!r}")
        summary = (schema.__doc__ or "").strip().splitlines()[0] if schema.__doc__ else ""
        if not summary:
            raise ValueError(f"{where}: the schema needs a one-line docstring, used as its summary")
        if about_case:
            if key not in (None, CASE_KEY):
                raise ValueError(f"{where}: an event about a case is keyed by case_id")
            message_key = CASE_KEY
        else:
            if key is None or not set(key.split(":")) <= set(schema._declared_fields):
                raise ValueError(f"{where}: an event not about a case needs key=<its data field(s), a:b>")
            message_key = key
        CATALOGUE[(event_type, version)] = EventSpec(
            event_type, version, schema, service, about_case, summary, message_key, national
        )
        return schema

    return register


def spec_for(event_type: str, version: int | None = None) -> EventSpec:
    """The spec of an event type at a version (the newest when version is None)."""
    _load_catalogue()
    if version is None:
        versions = [v for (t, v) in CATALOGUE if t == event_type]
        if not versions:
            raise KeyError(event_type)
        version = max(versions)
    return CATALOGUE[(event_type, version)]


def _load_catalogue() -> None:
    # Importing the event modules fills CATALOGUE through the decorator.
    from hubs.contracts import events  # noqa: F401


def all_specs() -> list[EventSpec]:
    """Every registered event version, sorted by service, type and version."""
    _load_catalogue()
    return sorted(CATALOGUE.values(), key=lambda s: (s.service, s.event_type, s.version))


def schema_versions() -> dict[str, tuple[int, ...]]:
    """Every event type with its published schema versions, oldest first."""
    versions: dict[str, list[int]] = {}
    for spec in all_specs():
        versions.setdefault(spec.event_type, []).append(spec.version)
    return {event_type: tuple(sorted(vs)) for event_type, vs in sorted(versions.items())}


def latest_version(event_type: str) -> int:
    """The newest schema version of an event type: what producers write by default."""
    return spec_for(event_type).version
