"""`hubs-care-coordination api|worker|relay|migrate`, and `check-due [--today YYYY-MM-DD]`:
escalate waits past target and ask for follow-ups that are due (the worker also does this
while idle; the command is for a scheduler, or to check a given day)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from hubs.care_coordination.bootstrap import DEFINITION, run_due_check
from hubs.runtime.cli import main as run
from hubs.runtime.logging import configure_logging
from hubs.runtime.settings import Settings


def check_due(argv: list[str]) -> None:
    """Run the due check once and print what it did (counts only)."""
    parser = argparse.ArgumentParser(prog="hubs-care-coordination check-due")
    parser.add_argument("--today", type=date.fromisoformat, help="the day to check as (default: today, UTC)")
    args = parser.parse_args(argv)
    settings = Settings.from_env(DEFINITION.name)
    configure_logging(DEFINITION.name, settings.hub_id, settings.log_level)
    wiring = DEFINITION.bootstrap(settings)
    if args.today is not None:
        wiring.extras["today"] = lambda: args.today
    try:
        print(json.dumps(run_due_check(wiring)))
    finally:
        wiring.engine.dispose()


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["check-due"]:
        check_due(argv[1:])
        return
    run(DEFINITION, argv)
