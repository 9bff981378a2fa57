"""Rate limits on public endpoints and the security answers every response carries."""

from __future__ import annotations

import pytest
from flask import Blueprint, request

from hubs.runtime.app import create_app
from hubs.runtime.ratelimit import RateLimit, TokenBuckets, rate_limited
from hubs.runtime.settings import Settings


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_app(limit: str | None = None):
    extra = {"HUBS_TEST_RATE_LIMIT": limit} if limit else {}
    app, _ = create_app(Settings(service="t", extra=extra), title="t", description="t", readiness_checks={})
    bp = Blueprint("t", __name__)

    @bp.post("/v1/public")
    @rate_limited("public", default="3/minute", setting="HUBS_TEST_RATE_LIMIT")
    def public():
        return {"ok": True, "size": len(request.get_data())}, 201

    app.register_blueprint(bp)
    return app


def test_a_burst_is_allowed_then_the_client_waits():
    clock = Clock()
    buckets = TokenBuckets(RateLimit.parse("6/minute;burst=2"), clock=clock)
    assert buckets.take("a") == 0 and buckets.take("a") == 0
    assert buckets.take("a") == pytest.approx(10.0)
    clock.now += 10
    assert buckets.take("a") == 0


def test_each_client_has_its_own_bucket():
    buckets = TokenBuckets(RateLimit.parse("1/minute"), clock=Clock())
    assert buckets.take("a") == 0
    assert buckets.take("a") > 0
    assert buckets.take("b") == 0


def test_forgotten_clients_keep_memory_bounded():
    buckets = TokenBuckets(RateLimit.parse("1/minute"), clock=Clock(), max_clients=3)
    for client in "abcdef":
        buckets.take(client)
    assert len(buckets._buckets) == 3


@pytest.mark.parametrize("text", ["", "x/minute", "0/minute", "5/fortnight", "5/minute;burst=0", "5/minute;size=2"])
def test_a_rate_limit_setting_that_makes_no_sense_is_refused(text):
    with pytest.raises(ValueError):
        RateLimit.parse(text)


def test_a_public_endpoint_answers_429_with_retry_after_when_flooded():
    client = make_app().test_client()
    assert [client.post("/v1/public").status_code for _ in range(3)] == [201, 201, 201]
    flooded = client.post("/v1/public")
    assert flooded.status_code == 429
    assert flooded.content_type == "application/problem+json"
    assert int(flooded.headers["Retry-After"]) >= 1


def test_another_client_is_not_held_back_by_a_flooding_one():
    client = make_app().test_client()
    for _ in range(4):
        client.post("/v1/public", environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert client.post("/v1/public", environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code == 201


def test_the_limit_is_a_setting():
    client = make_app("1/minute").test_client()
    assert [client.post("/v1/public").status_code for _ in range(2)] == [201, 429]


def test_every_response_carries_the_security_headers_even_errors():
    client = make_app().test_client()
    for answer in (client.post("/v1/public"), client.get("/nowhere"), client.get("/healthz")):
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
        assert answer.headers["Cache-Control"] == "no-store"
        assert "max-age" in answer.headers["Strict-Transport-Security"]


def test_an_oversized_request_body_is_refused_413():
    client = make_app().test_client()
    answer = client.post("/v1/public", data=b"x" * (65 * 1024), content_type="application/json")
    assert answer.status_code == 413
    assert answer.content_type == "application/problem+json"
