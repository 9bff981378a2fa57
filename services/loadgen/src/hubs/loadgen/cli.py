"""`hubs-loadgen feed` posts synthetic activity to a running hub at a steady pace; `hubs-loadgen events`
writes synthetic event envelopes as JSON lines."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from collections.abc import Iterator
from datetime import date, timedelta

from hubs.loadgen.feed import Feed, Urls, renewed
from hubs.loadgen.population import Pathways, Population, england, period_reports
from hubs.runtime import dev_issuer

log = logging.getLogger("hubs.loadgen")
TOKEN_SECONDS = 7 * 24 * 3600


def feed(args: argparse.Namespace) -> None:
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    # Demo data is entered as the hub's own staff would: with tokens of the development issuer,
    # issued again each day, well before they expire.
    clinician = renewed(lambda: dev_issuer.issue(args.hub, ["clinician"], ttl_seconds=TOKEN_SECONDS), 24 * 3600)
    hub_lead = renewed(lambda: dev_issuer.issue(args.hub, ["hub-lead"], ttl_seconds=TOKEN_SECONDS), 24 * 3600)
    urls = Urls(referral=args.referral, assessment=args.assessment, outreach=args.outreach)
    hub = Feed(Population(args.seed), urls, clinician, hub_lead)
    while not stop.is_set() and (args.count == 0 or hub.referrals < args.count):
        hub.turn(date.today())
        stop.wait(args.interval)


def events(args: argparse.Namespace) -> None:
    """Write a hub's year of synthetic events (or England's year of period reports) as JSON lines."""
    try:
        produced = _produced(args)
    except ValueError as exc:  # days before the hub's records start, or none yet
        raise SystemExit(str(exc)) from exc
    for envelope in produced:
        sys.stdout.write(json.dumps(envelope, separators=(",", ":")) + "\n")


def _produced(args: argparse.Namespace) -> Iterator[dict]:
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
    return produced


def last_complete_financial_year(today: date) -> int:
    """The first calendar year of the last financial year (April to March) that has ended."""
    return today.year - (2 if today.month < 4 else 1)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(prog="hubs-loadgen")
    sub = parser.add_subparsers(dest="command", required=True)
    f = sub.add_parser("feed", help="post synthetic referrals, contacts, assessments and outreach events")
    f.add_argument("--hub", default="demo-hub", help="the hub id the demo tokens are for")
    f.add_argument("--referral", default="http://127.0.0.1:8001")
    f.add_argument("--assessment", default="http://127.0.0.1:8002")
    f.add_argument("--outreach", default="http://127.0.0.1:8004")
    f.add_argument("--interval", type=float, default=1.0, help="seconds between referrals")
    f.add_argument("--count", type=int, default=0, help="stop after this many referrals (0: run until stopped)")
    f.add_argument("--seed", type=int, default=2020)
    e = sub.add_parser("events", help="write synthetic event envelopes as JSON lines (no hub needed)")
    e.add_argument("--hub", default="london-1", help="one of the 42 synthetic hubs, e.g. london-1")
    e.add_argument("--days", type=int, default=365)
    e.add_argument("--first-day", default="", help="ISO date (default: --days ago)")
    e.add_argument("--reports", action="store_true", help="a financial year of every hub's period reports instead")
    e.add_argument("--financial-year", type=int, default=last_complete_financial_year(date.today()),
                   help="its first calendar year (default: the last complete one)")  # fmt: skip
    e.add_argument("--figures", default="referrals_received,self_referrals", help="figure names of the reports")
    e.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args()
    {"feed": feed, "events": events}[args.command](args)
