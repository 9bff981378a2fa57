"""What every service refuses at the door, before a view reads the request.

Python's json module has no limits of its own: a body of 30,000 nested arrays makes it raise
RecursionError, and an integer of more than 4,300 digits a ValueError, both 500s. So a JSON body
is read here first, with a nesting depth and a number length no real request comes near, and
answered 400 when it goes beyond them.

Text must also be text the hub can store and show: a lone UTF-16 surrogate ("\\ud800" in JSON)
cannot be encoded, so it would fail the database write or, worse, every page that later shows
it (a referrer could break another person's case page for every clinician); PostgreSQL refuses
NUL in text. Such text, in a JSON body or the query string, is refused with 422 naming the
field (400 when there is no field to name: a field's own name, or a CSV upload with a NUL),
and nothing is stored.

The guard runs after access is checked (`hubs.runtime.auth` checks it as the request starts),
so a caller without access gets 401/403/404 whatever the body holds."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from io import BytesIO
from itertools import accumulate
from typing import Any, NoReturn, TypeVar

from flask import Flask, request

from hubs.runtime.problems import Problem

# Deeper than any of the services' schemas (three or four levels) by far.
MAX_JSON_DEPTH = 32
# Characters of one number, sign, point and exponent included: far more than any count, score or
# year needs, and small enough that no parse of it is slow; field rules then refuse what is too big.
MAX_NUMBER_LENGTH = 100

# Bodies read as text besides text/*.
TEXT_TYPES = ("application/csv",)
UNSTORABLE_TEXT = "contains a character that cannot be stored (a NUL or an unpaired UTF-16 surrogate)"

# A JSON string, escapes included; one left open runs to the end of the text. Unrolled, and every
# match succeeds, so the scan is linear whatever the text (a plain `"..."` pattern is quadratic on
# an open string full of escaped quotes).
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.DOTALL)
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

Number = TypeVar("Number", int, float)
# Where a string sits in a JSON document: object keys and array indices, from the top.
JsonPath = tuple[str | int, ...]


class _TooLong(ValueError):
    """A number literal longer than MAX_NUMBER_LENGTH."""


class _NotJsonNumber(ValueError):
    """NaN or Infinity, which Python's json accepts and JSON does not have."""


def nesting_depth(text: str) -> int:
    """How deep the arrays and objects of a JSON text nest (brackets inside strings do not count)."""
    brackets = _NOT_A_BRACKET.sub("", _JSON_STRING.sub("", text))
    return max(accumulate(1 if c in "[{" else -1 for c in brackets), default=0)


def _bounded(parse: Callable[[str], Number]) -> Callable[[str], Number]:
    def parse_number(literal: str) -> Number:
        if len(literal) > MAX_NUMBER_LENGTH:
            raise _TooLong(literal[:20])
        return parse(literal)

    return parse_number


def _refuse_constant(name: str) -> NoReturn:
    raise _NotJsonNumber(name)


def is_storable(text: str) -> bool:
    """Whether `text` can be encoded and stored: no NUL, no unpaired surrogate."""
    return "\x00" not in text and _LONE_SURROGATE.search(text) is None


def _bad_request(detail: str, slug: str) -> Problem:
    return Problem(400, "Bad Request", detail, slug=slug)


def parse_json_body(raw: bytes) -> Any:
    """The JSON document of a request body, within the limits; raises Problem 400 beyond them.

    Returns None for a body that is not JSON at all: the view's own parsing answers that, as it
    always has."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if nesting_depth(text) > MAX_JSON_DEPTH:
        raise _bad_request(f"The JSON body nests arrays or objects more than {MAX_JSON_DEPTH} deep.", "json-too-deep")
    try:
        return json.loads(
            text,
            parse_int=_bounded(int),
            parse_float=_bounded(float),
            parse_constant=_refuse_constant,
        )
    except _TooLong as exc:
        raise _bad_request(
            f"A number in the JSON body is longer than {MAX_NUMBER_LENGTH} characters.", "json-number-too-long"
        ) from exc
    except _NotJsonNumber as exc:
        raise _bad_request("NaN and Infinity are not numbers in JSON.", "json-not-a-number") from exc
    except RecursionError as exc:  # cannot happen within the depth limit; never a 500 if it does
        raise _bad_request("The JSON body nests too deep.", "json-too-deep") from exc
    except ValueError:  # json.JSONDecodeError: not JSON
        return None


def unstorable_text(document: Any, path: JsonPath = ()) -> Iterator[tuple[JsonPath, bool]]:
    """(path, is_a_key) of every string in a parsed JSON document that cannot be stored."""
    if isinstance(document, str):
        if not is_storable(document):
            yield path, False
    elif isinstance(document, dict):
        for key, value in document.items():
            if not is_storable(key):
                yield (*path, key), True
            else:
                yield from unstorable_text(value, (*path, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from unstorable_text(value, (*path, index))


def _field_errors(paths: Iterable[JsonPath]) -> dict[Any, Any]:
    """Messages by field, nested as marshmallow nests them ({"consent": {"given_by": [...]}});
    keys are field names and, within arrays, indices (as marshmallow's are)."""
    errors: dict[Any, Any] = {}
    for path in paths:
        node = errors
        for step in path[:-1]:
            node = node.setdefault(step, {})
        node[path[-1]] = [UNSTORABLE_TEXT]
    return errors


def _body() -> bytes:
    """The request body, read once within MAX_CONTENT_LENGTH (413 beyond it); the view reads the
    same bytes again, through `get_data` or the stream (a CSV upload)."""
    raw = request.get_data(cache=True)
    request.stream = BytesIO(raw)
    return raw


def check_text_body() -> None:
    """Refuse a text body (a CSV upload) with a NUL: PostgreSQL cannot store it. Strict UTF-8,
    which views decode text bodies with, cannot hold a surrogate."""
    if request.mimetype not in TEXT_TYPES and not request.mimetype.startswith("text/"):
        return
    if b"\x00" in _body():
        raise _bad_request("The text body contains a NUL character, which cannot be stored.", "unstorable-text")


def check_json_body() -> None:
    """Refuse a JSON body that is too deep, has too long a number or holds text that cannot be stored."""
    if not request.is_json:
        return
    raw = _body()
    if not raw:
        return
    document = parse_json_body(raw)
    found = list(unstorable_text(document))
    if not found:
        return
    if any(is_key or not path for path, is_key in found):
        # A field name, or the whole body: there is no field to name that the client could show.
        raise _bad_request(f"The JSON body {UNSTORABLE_TEXT}.", "unstorable-text")
    raise Problem(
        422,
        "Unprocessable Content",
        "Some text cannot be stored: remove NUL characters and unpaired surrogates.",
        errors=_field_errors([path for path, _ in found]),
        slug="unstorable-text",
    )


def check_query() -> None:
    """Refuse query parameters with a NUL (the query string is decoded leniently, so it can hold
    no surrogate)."""
    found = [
        (name,)
        for name, values in request.args.lists()
        if not is_storable(name) or not all(is_storable(v) for v in values)
    ]
    if found:
        if any(not is_storable(name) for (name,) in found):
            raise _bad_request(f"A query parameter's name {UNSTORABLE_TEXT}.", "unstorable-text")
        raise Problem(
            422,
            "Unprocessable Content",
            "Some text cannot be used: remove NUL characters.",
            errors=_field_errors(found),
            slug="unstorable-text",
        )


def register_request_guards(app: Flask) -> None:
    """Check every request's JSON body and query before the views (and after access is checked)."""

    @app.before_request
    def _guard_request() -> None:
        check_json_body()
        check_text_body()
        check_query()
