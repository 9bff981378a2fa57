"""`hubs-loadgen feed` posts synthetic activity to a running hub at a steady pace; `hubs-loadgen events`
writes synthetic event envelopes as JSON lines."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
import urllib.error
import urllib.request
from datetime import date, timedelta

from hubs.loadgen.population import Pathways, Population, england, period_reports
from hubs.runtime import dev_issuer

log = logging.getLogger("hubs.loadgen")


def call(url: str, body: dict | None = None, token: str | None = None) -> dict | list | None:
    """POST `body` (or GET when None) to the hub; None when the hub said no."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers, method="POST" if data else "GET")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - the operator's own hub
            return json.loads(answer.read())
    except (urllib.error.URLError, TimeoutError) as exc:
        log.warning("demo call failed: %s %s", url, type(exc).__name__)
        return None


def feed(args: argparse.Namespace) -> None:
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    population = Population(args.seed)
    # Demo data is entered as the hub's own staff would: with tokens of the development issuer.
    clinician = dev_issuer.issue(args.hub, ["clinician"], ttl_seconds=7 * 24 * 3600)
    hub_lead = dev_issuer.issue(args.hub, ["hub-lead"], ttl_seconds=7 * 24 * 3600)
    sent = 0
    while not stop.is_set() and (args.count == 0 or sent < args.count):
        accepted = call(f"{args.referral}/v1/self-referrals", population.self_referral())
        sent += 1
        today = date.today()
        if accepted and population.random.random() < 0.3:
            queue = call(f"{args.referral}/v1/queue", token=clinician) or []
            if isinstance(queue, list) and queue:
                # The oldest case: care-coordination has surely heard of it by now.
                case_id = queue[0]["case_id"]
                call(f"{args.care}/v1/onward-referrals", population.onward_referral(case_id, today), clinician)
        if sent % 10 == 0:
            call(f"{args.outreach}/v1/outreach-events", population.outreach_event(today), hub_lead)
        stop.wait(args.interval)


def events(args: argparse.Namespace) -> None:
    """Write a hub's year of synthetic events (or England's year of period reports) as JSON lines."""
    hubs = england(args.seed)
    if args.reports:
        figures = args.figures.split(",")
        produced = period_reports(hubs, args.financial_year, figures, seed=args.seed)
    else:
        by_id = {h.hub_id: h for h in hubs}
        if args.hub not in by_id:
            raise SystemExit(f"unknown hub {args.hub!r}; one of: {', '.join(by_id)}")
        first_day = date.fromisoformat(args.first_day) if args.first_day else date.today() - timedelta(days=args.days)
        produced = Pathways(by_id[args.hub], args.seed).year(first_day, days=args.days)
    for envelope in produced:
        sys.stdout.write(json.dumps(envelope, separators=(",", ":")) + "\n")


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(prog="hubs-loadgen")
    sub = parser.add_subparsers(dest="command", required=True)
    f = sub.add_parser("feed", help="post synthetic referrals, onward referrals and outreach events")
    f.add_argument("--hub", default="demo-hub", help="the hub id the demo tokens are for")
    f.add_argument("--referral", default="http://127.0.0.1:8001")
    f.add_argument("--care", default="http://127.0.0.1:8003")
    f.add_argument("--outreach", default="http://127.0.0.1:8004")
    f.add_argument("--interval", type=float, default=1.0, help="seconds between referrals")
    f.add_argument("--count", type=int, default=0, help="stop after this many referrals (0: run until stopped)")
    f.add_argument("--seed", type=int, default=2020)
    e = sub.add_parser("events", help="write synthetic event envelopes as JSON lines (no hub needed)")
    e.add_argument("--hub", default="london-1", help="one of the 42 synthetic hubs, e.g. london-1")
    e.add_argument("--days", type=int, default=365)
    e.add_argument("--first-day", default="", help="ISO date (default: --days ago)")
    e.add_argument("--reports", action="store_true", help="a financial year of every hub's period reports instead")
    e.add_argument("--financial-year", type=int, default=date.today().year - 1, help="its first calendar year")
    e.add_argument("--figures", default="referrals_received,self_referrals", help="figure names of the reports")
    e.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args()
    {"feed": feed, "events": events}[args.command](args)
