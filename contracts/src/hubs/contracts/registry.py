"""The catalogue of events: every event type, its versions, its schema and its topic."""

from __future__ import annotations

from dataclasses import dataclass

from marshmallow import Schema


@dataclass(frozen=True)
class EventSpec:
    """One published version of one event type."""

    event_type: str
    version: int
    schema: type[Schema]
    service: str  # the service whose topic carries it: referral, assessment, care, outreach, reporting
    about_case: bool  # True when the envelope must carry a case_id
    summary: str


CATALOGUE: dict[tuple[str, int], EventSpec] = {}


def event(event_type: str, *, version: int = 1, service: str, about_case: bool = True):
    """Class decorator registering a marshmallow schema as the data of an event version."""

    def register(schema: type[Schema]) -> type[Schema]:
        key = (event_type, version)
        if key in CATALOGUE:
            raise ValueError(f"event {event_type} v{version} registered twice")
        summary = (schema.__doc__ or "").strip().splitlines()[0] if schema.__doc__ else ""
        CATALOGUE[key] = EventSpec(event_type, version, schema, service, about_case, summary)
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
