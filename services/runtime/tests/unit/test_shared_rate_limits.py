"""Rate limits of an API with several workers: every worker takes from the same buckets."""

from __future__ import annotations

import multiprocessing
import sqlite3
from contextlib import closing

import pytest

from hubs.runtime.ratelimit import RateLimit, SharedTokenBuckets, TokenBuckets, create_shared_buckets


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def bucket_file(tmp_path) -> str:
    path = str(tmp_path / "rate-limits.sqlite3")
    create_shared_buckets(path)
    return path


def test_two_workers_share_one_budget_per_client(bucket_file):
    clock = Clock()
    limit = RateLimit.parse("6/minute;burst=2")
    first, second = (SharedTokenBuckets(limit, bucket_file, "public", clock=clock) for _ in range(2))
    assert first.take("a") == 0 and second.take("a") == 0
    assert first.take("a") == pytest.approx(10.0) and second.take("a") == pytest.approx(10.0)
    assert second.take("b") == 0
    clock.now += 10
    assert first.take("a") == 0


def test_shared_buckets_refill_and_refuse_exactly_as_buckets_in_memory(bucket_file):
    clock = Clock()
    limit = RateLimit.parse("30/minute;burst=3")
    shared, alone = SharedTokenBuckets(limit, bucket_file, "public", clock=clock), TokenBuckets(limit, clock=clock)
    for step in [0, 0, 0, 0, 0.5, 1.9, 2.0, 0, 0, 7.5, 0, 0, 0, 0]:
        clock.now += step
        assert shared.take("a") == pytest.approx(alone.take("a"))


def test_each_limit_has_its_own_buckets_in_the_file(bucket_file):
    limit = RateLimit.parse("1/minute")
    assert SharedTokenBuckets(limit, bucket_file, "one").take("a") == 0
    assert SharedTokenBuckets(limit, bucket_file, "two").take("a") == 0


def _spend(path: str, count: int) -> None:
    buckets = SharedTokenBuckets(RateLimit.parse("5/hour;burst=5"), path, "public")
    for _ in range(count):
        buckets.take("203.0.113.9")


def test_a_forked_worker_spends_the_same_budget(bucket_file):
    buckets = SharedTokenBuckets(RateLimit.parse("5/hour;burst=5"), bucket_file, "public")
    assert buckets.take("203.0.113.9") == 0  # a connection opened before the fork is not reused after it
    worker = multiprocessing.get_context("fork").Process(target=_spend, args=(bucket_file, 4))
    worker.start()
    worker.join(timeout=30)
    assert worker.exitcode == 0
    assert buckets.take("203.0.113.9") > 0


def test_refilled_and_least_recent_clients_are_forgotten(bucket_file):
    clock = Clock()
    buckets = SharedTokenBuckets(RateLimit.parse("60/minute;burst=2"), bucket_file, "public", clock, max_clients=3)
    for n in range(255):
        clock.now += 0.001
        buckets.take(f"client-{n}")
    buckets.take("last")  # every 256th take tidies the file: only the 3 most recent clients stay
    with closing(sqlite3.connect(bucket_file)) as conn:
        assert conn.execute("select count(*) from buckets").fetchone()[0] == 3
    clock.now += 10
    assert buckets.take("client-0") == 0


def test_a_bucket_file_that_fails_leaves_the_worker_limiting_on_its_own(tmp_path):
    buckets = SharedTokenBuckets(RateLimit.parse("1/minute"), str(tmp_path / "missing" / "x.sqlite3"), "public")
    assert buckets.take("a") == 0
    assert buckets.take("a") > 0
