"""Who is signed in to the portal, and where each role starts."""

from __future__ import annotations

from dataclasses import dataclass

ROLE_NAMES = {
    "clinician": "Clinician",
    "hub-lead": "Hub lead",
    "referrer": "Referrer",
    "national-analyst": "National analyst",
}


@dataclass(frozen=True)
class Person:
    """A signed-in person: their subject id, hub, roles and display name (never stored elsewhere)."""

    subject: str
    hub_id: str
    roles: frozenset[str]
    display_name: str

    def has(self, *roles: str) -> bool:
        """True if the person holds one of `roles`."""
        return bool(self.roles & set(roles))

    @property
    def home(self) -> str:
        """The page a person lands on after signing in."""
        if self.has("clinician"):
            return "clinician.queue"
        if self.has("hub-lead"):
            return "lead.home"
        if self.has("national-analyst"):
            return "national.comparison"
        if self.has("referrer"):
            return "referrer.form"
        return "public.start"

    @property
    def role_names(self) -> str:
        """The person's roles in words, e.g. 'Clinician, Hub lead'."""
        return ", ".join(ROLE_NAMES.get(r, r) for r in sorted(self.roles))
