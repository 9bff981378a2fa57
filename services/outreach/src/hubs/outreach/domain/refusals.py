"""Why the hub refuses a change: a rule of the domain, named with the field it is about.

They are the hub's refusals (hubs.runtime.refusals, plain Python), so every API answers them the
same way: 422 for input, 409 for a state that forbids it, 404 for what this hub does not have."""

from __future__ import annotations

from hubs.runtime import refusals


class Refused(refusals.Refused):
    """A command breaks a rule of the domain; `field` names the input it is about."""

    def __init__(self, message: str, field: str | None = None, *, conflict: bool = False):
        # conflict: the input is fine but the thing's state forbids it (already held, closed...).
        super().__init__(message, field=field, conflict=conflict, code="refused")
        self.message = message


class NotFound(refusals.NotFound):
    """The thing a command names does not exist in this hub."""

    def __init__(self, thing: str):
        super().__init__(f"There is no such {thing} in this hub.")
