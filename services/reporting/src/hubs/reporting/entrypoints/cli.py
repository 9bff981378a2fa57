"""`hubs.reporting api|worker|relay|migrate`."""

from hubs.reporting.bootstrap import DEFINITION
from hubs.runtime.cli import main as run


def main() -> None:
    run(DEFINITION)
