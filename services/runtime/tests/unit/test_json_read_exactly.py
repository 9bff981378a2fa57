"""JSON the services read off Kafka and out of PostgreSQL (`hubs.runtime.db.read_json`) is read
by orjson, value for value as the standard library reads it: an integer past 64 bits, which
orjson alone would turn into a float, stays whole, so what a producer wrote is what is applied."""

from __future__ import annotations

import json

import pytest

from hubs.contracts import ContractError
from hubs.runtime.consumer import _decode
from hubs.runtime.db import read_json

TEXTS = [
    '{"waited_days": 123456789012345678901234567890}',
    '{"attendance": [18446744073709551616, -9223372036854775809]}',
    '{"case_id": "5c4b3a29-1807-4f6e-9d5c-4b3a29180706", "received_at": "2026-03-04T10:11:12.123456+00:00"}',
    '{"figures": {"referrals_received": 9223372036854775807, "rate": 0.1, "name": "Zoë"}}',
]


@pytest.mark.parametrize("text", TEXTS)
def test_json_is_read_value_for_value_as_the_standard_library_reads_it(text):
    expected = json.loads(text)
    for given in (text, text.encode()):
        read = read_json(given)
        assert read == expected
        assert json.dumps(read) == json.dumps(expected)  # the same types: an int stays an int


def test_a_consumed_event_with_an_integer_past_64_bits_is_applied_with_that_integer():
    read = _decode(b'{"event_type": "OutreachEventHeld", "data": {"attendance": 100000000000000000000000001}}')
    assert read["data"]["attendance"] == 100000000000000000000000001


@pytest.mark.parametrize(
    "text", [b"not json", b'{"score": NaN}', b'{"score": 1e400}', b'{"reason": "\\ud800"}', b"\xff{}"]
)
def test_a_message_not_json_or_holding_what_postgresql_could_not_store_is_refused(text):
    with pytest.raises(ContractError, match="the message is not JSON"):
        _decode(text)
