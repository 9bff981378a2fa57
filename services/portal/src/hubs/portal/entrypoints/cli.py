"""The portal's command line: `hubs-portal api` serves it with gunicorn. (The portal keeps no
records, so it has no worker, relay or migrations.)"""

from __future__ import annotations

import argparse
from dataclasses import replace

from gunicorn.app.base import BaseApplication

from hubs.portal.bootstrap import create_app
from hubs.portal.settings import PortalSettings
from hubs.runtime.logging import configure_logging


class _Gunicorn(BaseApplication):
    """gunicorn serving the portal; it finishes requests in flight on SIGTERM."""

    def __init__(self, app, options: dict):
        self._app = app
        self._options = options
        super().__init__()

    def load_config(self):
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self):
        return self._app


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
    # One worker: signed-in sessions live in the process (several threads share them).
    options = {
        "bind": settings.api_bind,
        "workers": 1,
        "worker_class": "gthread",
        "threads": settings.api_threads,
        "graceful_timeout": 20,
        "accesslog": None,
        "loglevel": "warning",
    }
    _Gunicorn(create_app(settings), options).run()
