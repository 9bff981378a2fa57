"""A hello-world Flask app served exactly as a service's API is (gunicorn gthread, with
HUBS_API_WORKERS workers of HUBS_API_THREADS threads): the floor under every intake figure."""

from __future__ import annotations

import argparse

from flask import Flask

from hubs.runtime.cli import serve
from hubs.runtime.settings import Settings


def create_app() -> Flask:
    """One route that answers 201 with a small JSON body, like the self-referral endpoint."""
    app = Flask("hello")

    @app.post("/hello")
    def hello():
        return {"reference": "HELLO-0000", "urgency": "routine"}, 201

    return app


def main() -> None:
    parser = argparse.ArgumentParser(prog="hello")
    parser.add_argument("--bind", required=True)
    args = parser.parse_args()
    settings = Settings.from_env("hello")
    # Served exactly as hubs.runtime.cli.run_api serves a service: only the application differs.
    serve(create_app, args.bind, settings.api_threads, settings.api_workers)


if __name__ == "__main__":
    main()
