"""The hub's local service directory: who the hub refers and signposts to, whom each
service is competent to serve, its target wait and how to refer. Pure domain code."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from hubs.contracts import codes


class Competency(StrEnum):
    """Groups a service is competent to serve (guidance sections 3.2 and 5)."""

    BAME = "bame"
    LGBT_PLUS = "lgbt-plus"
    DISABILITY = "disability"
    FAITH = "faith"


# Target waits when a service has none of its own: NHS Talking Therapies' standard is six
# weeks (75% start within 6 weeks); the hub aims for rapid access everywhere else.
DEFAULT_TARGET_WAIT_DAYS = {codes.ServiceType.TALKING_THERAPIES: 42}
FALLBACK_TARGET_WAIT_DAYS = 28


def default_target_wait(service_type: codes.ServiceType) -> int:
    """The target wait, in days, for a service type with no directory entry."""
    return DEFAULT_TARGET_WAIT_DAYS.get(service_type, FALLBACK_TARGET_WAIT_DAYS)


@dataclass
class DirectoryService:
    """A local service the hub refers or signposts to."""

    directory_service_id: uuid.UUID
    name: str
    service_type: codes.ServiceType
    target_wait_days: int
    how_to_refer: str
    competencies: frozenset[Competency] = frozenset()
    languages: tuple[str, ...] = ()  # ISO 639-1 codes besides English
    active: bool = True
    contact: str | None = None  # the service's public referral contact, never a person's

    @classmethod
    def add(cls, **fields_: object) -> DirectoryService:
        """A new entry of the directory."""
        return cls(directory_service_id=uuid.uuid4(), **fields_)  # type: ignore[arg-type]

    def serves(self, wanted: Iterable[Competency]) -> int:
        """How many of the wanted competencies this service has."""
        return len(self.competencies & set(wanted))


@dataclass(frozen=True)
class DirectoryQuery:
    """A search of the directory."""

    service_type: codes.ServiceType | None = None
    competencies: frozenset[Competency] = field(default_factory=frozenset)
    language: str | None = None

    def matches(self, service: DirectoryService) -> bool:
        return (
            service.active
            and (self.service_type is None or service.service_type is self.service_type)
            and self.competencies <= service.competencies
            and (self.language is None or self.language in service.languages)
        )


def best_match(
    services: Iterable[DirectoryService], service_type: codes.ServiceType, wanted: Iterable[Competency]
) -> DirectoryService | None:
    """The active service of that type most competent for the person, then the shortest target wait."""
    candidates = [s for s in services if s.active and s.service_type is service_type]
    wanted = set(wanted)
    candidates.sort(key=lambda s: (-s.serves(wanted), s.target_wait_days, s.name))
    return candidates[0] if candidates else None
