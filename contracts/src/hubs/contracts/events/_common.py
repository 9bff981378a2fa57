"""Field builders shared by the event modules, so that the same thing has one shape."""

from enum import Enum
from typing import Any, TypeVar

from marshmallow import EXCLUDE, Schema, fields, validate

from hubs.contracts.topics import HUB_ID_PATTERN

SCALE_MIN, SCALE_MAX = 1, 5
BASE64 = r"^[A-Za-z0-9+/]+={0,2}$"

# One of the code lists of `codes`.
CodeList = TypeVar("CodeList", bound=Enum)


class Part(Schema):
    """A nested part of an event's data. Like the data itself on receipt, it ignores fields it
    does not know, so that adding an optional field stays compatible for older consumers."""

    class Meta:
        unknown = EXCLUDE


def code(enum: type[CodeList], *, required: bool = True, **kwargs: Any) -> fields.Enum[CodeList]:
    """A field holding one value of a code list from `codes`."""
    if not required:
        kwargs.setdefault("allow_none", True)
        kwargs.setdefault("load_default", None)
    return fields.Enum(enum, by_value=True, required=required, **kwargs)


def codes_list(enum: type[CodeList], *, min_items: int = 0, **kwargs: Any) -> fields.List[CodeList]:
    """A set of values of a code list, sent as an array (empty when none apply)."""
    if min_items:
        return fields.List(
            fields.Enum(enum, by_value=True), required=True, validate=validate.Length(min=min_items), **kwargs
        )
    return fields.List(fields.Enum(enum, by_value=True), load_default=list, **kwargs)


def scale_score(*, required: bool = True, description: str) -> fields.Integer:
    """A feedback answer on a scale from 1 (not at all) to 5 (completely)."""
    extra: dict[str, Any] = {} if required else {"allow_none": True, "load_default": None}
    return fields.Integer(
        required=required,
        validate=validate.Range(SCALE_MIN, SCALE_MAX),
        metadata={"description": f"{description}: 1 (not at all) to 5 (completely)"},
        **extra,
    )


def count(*, minimum: int = 0, **kwargs: Any) -> fields.Integer:
    """A whole number of people, sessions or minutes."""
    return fields.Integer(required=True, validate=validate.Range(min=minimum), **kwargs)


def hub_id(**kwargs: Any) -> fields.String:
    """The id of a hub, as in the envelope."""
    return fields.String(
        validate=validate.Regexp(HUB_ID_PATTERN, error="hub_id must be lower-case letters, digits and dashes"),
        **kwargs,
    )


def optional_uuid(**kwargs: Any) -> fields.UUID:
    """A pseudonymous id that may be absent."""
    return fields.UUID(allow_none=True, load_default=None, **kwargs)
