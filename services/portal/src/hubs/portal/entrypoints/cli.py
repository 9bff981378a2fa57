"""The portal's command line: `hubs-portal api` serves it with gunicorn. (The portal keeps no
records, so it has no worker, relay or migrations.)"""

from __future__ import annotations

import argparse
from dataclasses import replace

from hubs.portal.bootstrap import create_app
from hubs.portal.settings import PortalSettings
from hubs.runtime.cli import serve
from hubs.runtime.logging import configure_logging


def main(argv: list[str] | None = None) -> None:
    """`hubs-portal api [--bind host:port]`."""
    parser = argparse.ArgumentParser(prog="hubs-portal")
    parser.add_argument("command", choices=["api"])
    parser.add_argument("--bind", help="host:port (default HUBS_API_BIND, else 127.0.0.1:8000)")
    args = parser.parse_args(argv)
    settings = PortalSettings.from_env()
    if args.bind:
        settings = replace(settings, api_bind=args.bind)
    configure_logging("portal", settings.hub_id, settings.log_level)
    # One worker (as every API here): signed-in sessions live in the process, shared by its threads.
    serve(create_app(settings), settings.api_bind, settings.api_threads, metrics_port=settings.metrics_port)
