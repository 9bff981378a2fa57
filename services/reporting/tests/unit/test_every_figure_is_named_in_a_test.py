"""Every figure the hub can send is named in a test of this service. A figure counted wrongly or
never counted goes out as a plausible number (0 is a figure like any other), so a figure added
to the catalogue, or a code added to a contract's code list, fails here until a test names it
and checks its value."""

from __future__ import annotations

import re
from pathlib import Path

from hubs.reporting.domain.catalogue import COUNTS, STATISTICS

TESTS = Path(__file__).resolve().parents[1]


def quoted_names() -> set[str]:
    """Every string literal in the service's test sources."""
    names: set[str] = set()
    for source in TESTS.rglob("*.py"):
        names.update(re.findall(r"""["']([^"'\s]+)["']""", source.read_text()))
    return names


def test_every_figure_of_the_catalogue_is_named_in_a_test():
    named = quoted_names()
    assert [name for name in (*COUNTS, *STATISTICS) if name not in named] == []
