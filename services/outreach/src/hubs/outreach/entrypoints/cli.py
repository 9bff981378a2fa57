"""`hubs.outreach api|worker|relay|migrate`."""

from hubs.outreach.bootstrap import DEFINITION
from hubs.runtime.cli import main as run


def main() -> None:
    run(DEFINITION)
