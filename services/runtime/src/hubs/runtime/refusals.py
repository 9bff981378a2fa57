"""Why the hub will not do what a request asks, said once for every service.

Service layers raise `NotFound` (404: this hub has no such thing) or `Refused` (422: the hub's
rules refuse the input; 409 with `conflict=True`: the input is fine but the thing's state forbids
it). The one error handler every API has (`hubs.runtime.problems.register_refusal_handler`, set
up by the app factory) answers them as RFC 7807 problem JSON, `errors` naming the fields. Plain
Python: a service layer raising them needs no Flask."""

from __future__ import annotations

from typing import Any

# Field-level messages: a field's messages, or the messages of the fields nested under it.
Errors = dict[str, Any]


class Refusal(Exception):
    """A request the hub refuses, with its answer: status, title, detail, field errors and code.

    `code` names the kind of refusal in the problem's `type` (".../problems/<code>"); without it
    the type ends with the status."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str | None = None,
        *,
        errors: Errors | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = errors
        self.code = code


class NotFound(Refusal):
    """This hub has no such thing (a thing of another hub does not exist here either)."""

    def __init__(self, detail: str = "There is no such record in this hub.", *, code: str = "not-found") -> None:
        super().__init__(404, "Not Found", detail, code=code)


class Refused(Refusal):
    """The hub's rules refuse the request: 422 for the input, 409 (`conflict`) for the thing's state.

    `field` names the input the message is about ("outcome.reasons" nests it as the request
    does); `errors` gives messages for several fields at once."""

    def __init__(
        self,
        detail: str | None = None,
        *,
        field: str | None = None,
        errors: Errors | None = None,
        conflict: bool = False,
        code: str | None = None,
        title: str | None = None,
    ) -> None:
        if field is not None:
            errors = {**(errors or {}), **field_errors(field, detail or "")}
        status, default_title = (409, "Conflict") if conflict else (422, "Unprocessable Entity")
        super().__init__(status, title or default_title, detail, errors=errors, code=code)
        self.field = field
        self.conflict = conflict


def field_errors(field: str, message: str) -> Errors:
    """`{field: [message]}`, a dotted field nested as the request nests it."""
    *outer, name = field.split(".")
    errors: Errors = {name: [message]}
    for part in reversed(outer):
        errors = {part: errors}
    return errors
