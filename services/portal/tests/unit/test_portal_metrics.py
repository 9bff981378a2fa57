"""The portal's requests are counted for Prometheus by route, never by the address asked for."""

from __future__ import annotations

from prometheus_client import REGISTRY

from hubs.portal.settings import PortalSettings


def _count(endpoint: str, status: str) -> float:
    value = REGISTRY.get_sample_value(
        "hubs_http_requests_total", {"service": "portal", "method": "GET", "endpoint": endpoint, "status": status}
    )
    return value or 0.0


def test_every_page_request_is_counted_by_its_route(make_portal):
    client = make_portal()
    before = _count("/healthz", "200")
    assert client.get("/healthz").status_code == 200
    assert _count("/healthz", "200") == before + 1


def test_an_unknown_address_is_counted_as_unmatched_and_its_path_is_never_a_label(make_portal):
    client = make_portal()
    before = _count("unmatched", "404")
    client.get("/no-such-page/REF-SECRET-123")
    assert _count("unmatched", "404") == before + 1
    labels = {
        sample.labels.get("endpoint")
        for metric in REGISTRY.collect()
        if metric.name == "hubs_http_requests"
        for sample in metric.samples
    }
    assert not any("REF-SECRET" in (label or "") for label in labels)


def test_the_metrics_port_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("HUBS_PORTAL_SECRET_KEY", "x" * 32)
    monkeypatch.setenv("HUBS_METRICS_PORT", "9090")
    assert PortalSettings.from_env().metrics_port == 9090
    monkeypatch.delenv("HUBS_METRICS_PORT")
    assert PortalSettings.from_env().metrics_port == 0
