"""`hubs-loadgen feed`: posts synthetic activity to a running hub at a steady pace."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import threading
import urllib.error
import urllib.request
from datetime import date

from hubs.loadgen.population import Population

log = logging.getLogger("hubs.loadgen")


def post(url: str, body: dict) -> dict | None:
    request = urllib.request.Request(  # noqa: S310 - the URL is the operator's own hub
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            return json.loads(answer.read())
    except (urllib.error.URLError, TimeoutError) as exc:
        log.warning("demo post failed: %s %s", url, type(exc).__name__)
        return None


def feed(args: argparse.Namespace) -> None:
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    population = Population(args.seed)
    sent = 0
    while not stop.is_set() and (args.count == 0 or sent < args.count):
        accepted = post(f"{args.referral}/v1/self-referrals", population.self_referral())
        sent += 1
        today = date.today()
        if accepted and population.random.random() < 0.3:
            queue_url = f"{args.referral}/v1/queue"
            try:
                with urllib.request.urlopen(queue_url, timeout=10) as answer:  # noqa: S310
                    queue = json.loads(answer.read())
            except (urllib.error.URLError, TimeoutError):
                queue = []
            if queue:
                post(f"{args.care}/v1/onward-referrals", population.onward_referral(queue[-1]["case_id"], today))
        if sent % 10 == 0:
            post(f"{args.outreach}/v1/outreach-events", population.outreach_event(today))
        stop.wait(args.interval)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(prog="hubs-loadgen")
    sub = parser.add_subparsers(dest="command", required=True)
    f = sub.add_parser("feed", help="post synthetic referrals, onward referrals and outreach events")
    f.add_argument("--referral", default="http://127.0.0.1:8001")
    f.add_argument("--care", default="http://127.0.0.1:8003")
    f.add_argument("--outreach", default="http://127.0.0.1:8004")
    f.add_argument("--interval", type=float, default=1.0, help="seconds between referrals")
    f.add_argument("--count", type=int, default=0, help="stop after this many referrals (0: run until stopped)")
    f.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args()
    feed(args)
