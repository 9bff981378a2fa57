"""The hello-world baseline served with HUBS_API_WORKERS gunicorn workers, as `hubs-<service> api`
serves a service with that setting (tests/perf/hello.py serves it with one): the floor under
intake figures measured with several workers."""

from __future__ import annotations

import argparse

from hubs.runtime.cli import serve
from hubs.runtime.settings import Settings
from tests.perf.hello import create_app


def main() -> None:
    parser = argparse.ArgumentParser(prog="workers")
    parser.add_argument("--bind", required=True)
    args = parser.parse_args()
    settings = Settings.from_env("hello")
    # The same call as hubs.runtime.cli.run_api makes: only the application differs.
    serve(create_app, args.bind, settings.api_threads, settings.api_workers)


if __name__ == "__main__":
    main()
