"""Errors become problem documents: a database that is away or busy is a 503 the client may
retry, never a 500; anything else unexpected is a 500 that says nothing of the request."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.exc import IntegrityError, OperationalError

from hubs.runtime.problems import DATABASE_RETRY_AFTER_SECONDS, register_problem_handlers


class LockNotAvailable(Exception):
    """Stands in for the driver's error: 'canceling statement due to lock timeout'."""


def app_raising(exc: Exception) -> Flask:
    app = Flask("problems")
    register_problem_handlers(app)

    @app.post("/v1/self-referrals")
    def fails():
        raise exc

    return app


def test_a_lock_timeout_or_a_lost_database_is_a_503_to_retry_and_says_nothing_was_saved():
    exc = OperationalError("SELECT pg_advisory_xact_lock(:key)", {"key": 1}, LockNotAvailable("lock timeout"))
    answer = app_raising(exc).test_client().post("/v1/self-referrals", json={"name": "Canary Person"})
    assert answer.status_code == 503
    assert answer.content_type == "application/problem+json"
    assert answer.headers["Retry-After"] == str(DATABASE_RETRY_AFTER_SECONDS)
    body = answer.get_json()
    assert body["type"].endswith("/database-unavailable")
    assert "nothing was saved" in body["detail"]
    assert "Canary" not in answer.get_data(as_text=True) and "pg_advisory" not in answer.get_data(as_text=True)


def test_a_database_error_that_will_not_go_away_is_a_500_without_details():
    exc = IntegrityError("INSERT INTO referrals ...", {"name": "Canary Person"}, Exception("duplicate key"))
    answer = app_raising(exc).test_client().post("/v1/self-referrals", json={})
    assert answer.status_code == 500
    assert answer.content_type == "application/problem+json"
    assert "Retry-After" not in answer.headers
    assert "Canary" not in answer.get_data(as_text=True) and "duplicate" not in answer.get_data(as_text=True)
