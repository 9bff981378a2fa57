"""Every end-to-end test runs in both profiles (hubs.runtime.testing.TEST_PROFILES): scaled, and
compact, where each API a test starts is served over HTTP by the compact profile's threaded server
and its relay is woken by the process's commits. The end-to-end tests' hubs sign their reports,
and the national service has them registered."""

import pytest

from hubs.reporting.testing import ReportKeys, report_keys
from hubs.runtime.testing import TEST_PROFILES


@pytest.fixture(autouse=True, params=TEST_PROFILES)
def profile(request, monkeypatch) -> str:
    monkeypatch.setenv("HUBS_TEST_PROFILE", request.param)
    return request.param


@pytest.fixture(autouse=True)
def signing(tmp_path_factory, hub_id, monkeypatch) -> ReportKeys:
    return report_keys(tmp_path_factory.mktemp("report-keys"), hub_id, monkeypatch)
