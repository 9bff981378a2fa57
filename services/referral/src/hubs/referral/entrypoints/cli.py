"""`hubs-referral api|worker|relay|migrate`."""

from hubs.referral.bootstrap import DEFINITION
from hubs.runtime.cli import main as run


def main() -> None:
    run(DEFINITION)
