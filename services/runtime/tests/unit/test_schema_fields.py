"""Strict JSON booleans in request bodies."""

import pytest
from marshmallow import Schema, ValidationError

from hubs.runtime.schema_fields import JsonBoolean


class Answer(Schema):
    risk = JsonBoolean(required=True)


@pytest.mark.parametrize("value", [True, False])
def test_json_true_and_false_are_accepted(value):
    assert Answer().load({"risk": value}) == {"risk": value}


@pytest.mark.parametrize("value", [0, 1, 0.0, 1.0, "true", "yes", "1", None])
def test_anything_else_is_refused_rather_than_guessed(value):
    with pytest.raises(ValidationError) as refused:
        Answer().load({"risk": value})
    assert "risk" in refused.value.messages
