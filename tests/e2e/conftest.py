"""The end-to-end tests' hubs sign their reports, and the national service has them registered."""

import pytest

from hubs.reporting.testing import ReportKeys, report_keys


@pytest.fixture(autouse=True)
def signing(tmp_path_factory, hub_id, monkeypatch) -> ReportKeys:
    return report_keys(tmp_path_factory.mktemp("report-keys"), hub_id, monkeypatch)
