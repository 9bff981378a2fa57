"""Why the hub refuses a change: a rule of the domain, named with the field it is about."""

from __future__ import annotations


class Refused(ValueError):
    """A command breaks a rule of the domain; `field` names the input it is about."""

    def __init__(self, message: str, field: str | None = None, *, conflict: bool = False):
        super().__init__(message)
        self.message = message
        self.field = field
        # True when the input is fine but the thing's state forbids it (already held, closed...).
        self.conflict = conflict


class NotFound(LookupError):
    """The thing a command names does not exist in this hub."""
