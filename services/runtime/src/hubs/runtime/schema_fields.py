"""Marshmallow fields with the strictness an API needs."""

from marshmallow import fields


class JsonBoolean(fields.Boolean):
    """A JSON `true` or `false`, nothing else: marshmallow's Boolean also takes 0, 1, "yes"...,
    and an answer to a risk question must never be guessed from a number."""

    def _deserialize(self, value, attr, data, **kwargs):
        # `isinstance(..., bool)`, not set membership: 0 == False and 1 == True in Python.
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value
