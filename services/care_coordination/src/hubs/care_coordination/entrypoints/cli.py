"""`hubs.care_coordination api|worker|relay|migrate`."""

from hubs.care_coordination.bootstrap import DEFINITION
from hubs.runtime.cli import main as run


def main() -> None:
    run(DEFINITION)
