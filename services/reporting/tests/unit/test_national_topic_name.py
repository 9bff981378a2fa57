"""The national topic is one per country: a hub's own topic prefix (tenancy on a shared
cluster) never changes where its reports go."""

from __future__ import annotations

from dataclasses import replace

from hubs.reporting.bootstrap import produced_topics
from hubs.runtime.settings import Settings


def test_a_hub_with_a_topic_prefix_publishes_its_reports_on_the_one_national_topic(monkeypatch):
    monkeypatch.setenv("HUBS_TOPIC_PREFIX", "se.")
    monkeypatch.delenv("HUBS_NATIONAL_TOPIC_PREFIX", raising=False)
    monkeypatch.delenv("HUBS_REPORTING_MODE", raising=False)
    settings = replace(Settings.from_env("reporting"), hub_id="kent-and-medway")
    assert settings.national_topic == "national.hub-reports.v1"
    assert produced_topics(settings) == ["national.hub-reports.v1", "se.hub.kent-and-medway.reporting.events.v1"]


def test_the_national_clusters_own_prefix_names_the_national_topic_for_hubs_and_the_national_service(monkeypatch):
    monkeypatch.setenv("HUBS_TOPIC_PREFIX", "se.")
    monkeypatch.setenv("HUBS_NATIONAL_TOPIC_PREFIX", "uat.")
    assert Settings.from_env("reporting").national_topic == "uat.national.hub-reports.v1"
    monkeypatch.setenv("HUBS_REPORTING_MODE", "national")
    assert Settings.from_env("reporting").national_topic == "uat.national.hub-reports.v1"


def test_the_national_service_reads_the_national_topic_under_its_own_clusters_prefix(monkeypatch):
    monkeypatch.setenv("HUBS_REPORTING_MODE", "national")
    monkeypatch.setenv("HUBS_TOPIC_PREFIX", "uat.")
    monkeypatch.delenv("HUBS_NATIONAL_TOPIC_PREFIX", raising=False)
    assert Settings.from_env("reporting").national_topic == "uat.national.hub-reports.v1"
