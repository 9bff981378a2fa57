"""A prototype of a proposed `HUBS_API_WORKERS` setting, measured here, used by no service:
the referral API served by gunicorn with N gthread workers, each building its own app (and
database engine) after the fork."""

from __future__ import annotations

import argparse

from gunicorn.app.base import BaseApplication

from hubs.runtime.settings import Settings


class _PerWorkerApp(BaseApplication):
    """gunicorn whose workers each bootstrap the service after forking."""

    def __init__(self, options: dict):
        self._options = options
        super().__init__()

    def load_config(self):
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self):
        from hubs.referral.bootstrap import DEFINITION

        settings = Settings.from_env(DEFINITION.name)
        return DEFINITION.create_app(DEFINITION.bootstrap(settings))


def main() -> None:
    parser = argparse.ArgumentParser(prog="workers")
    parser.add_argument("--bind", required=True)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    threads = Settings.from_env("referral").api_threads
    options = {"bind": args.bind, "workers": args.workers, "worker_class": "gthread", "threads": threads}
    options |= {"graceful_timeout": 20, "accesslog": None, "loglevel": "warning"}
    _PerWorkerApp(options).run()


if __name__ == "__main__":
    main()
