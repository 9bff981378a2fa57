"""`hubs.assessment api|worker|relay|migrate`."""

from hubs.assessment.bootstrap import DEFINITION
from hubs.runtime.cli import main as run


def main() -> None:
    run(DEFINITION)
