"""HUBS_API_WORKERS: how many gunicorn workers serve an API."""

from __future__ import annotations

import pytest

from hubs.runtime.settings import Settings


def test_an_api_has_one_worker_unless_told_otherwise(monkeypatch):
    monkeypatch.delenv("HUBS_API_WORKERS", raising=False)
    assert Settings.from_env("referral").api_workers == 1


def test_the_number_of_api_workers_is_a_setting(monkeypatch):
    monkeypatch.setenv("HUBS_API_WORKERS", "3")
    assert Settings.from_env("referral").api_workers == 3


@pytest.mark.parametrize("text", ["0", "-1", "two", "1.5"])
def test_a_number_of_api_workers_that_makes_no_sense_is_refused(monkeypatch, text):
    monkeypatch.setenv("HUBS_API_WORKERS", text)
    with pytest.raises(ValueError, match="HUBS_API_WORKERS"):
        Settings.from_env("referral")
