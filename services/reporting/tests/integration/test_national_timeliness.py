"""Over real Kafka and PostgreSQL: the national worker shows every registered hub's silence and
lateness, from the reports it has taken, on its metrics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from prometheus_client import REGISTRY

from hubs.contracts import new_envelope
from hubs.contracts.topics import national_topic
from hubs.reporting.adapters.timeliness import last_month_due, report_due_at
from hubs.reporting.bootstrap import DEFINITION
from hubs.runtime.testing import eventually

SILENT = "hubs_national_hub_seconds_since_report"
LATE = "hubs_national_hub_report_late_seconds"


def report(hub_id: str, month: str, final: bool, region: str = "london") -> dict:
    data = {"hub_id": hub_id, "region": region, "period_type": "month", "period": month,
            "report_version": 1, "figures": {"self_referrals": 4}, "final": final}  # fmt: skip
    return new_envelope("HubPeriodReport", data, hub_id=hub_id, producer=f"reporting@{hub_id}")


def exposed(name: str, hub_id: str) -> dict | None:
    """The gauge's sample for the hub as the metrics port shows it: its labels and value."""
    for metric in REGISTRY.collect():
        for sample in metric.samples:
            if sample.name == name and sample.labels.get("hub_id") == hub_id:
                return {"labels": sample.labels, "value": sample.value}
    return None


def test_the_national_worker_shows_which_registered_hubs_are_silent_or_late(run_service, hub_id, produce, signing):
    quiet = f"{hub_id}-quiet"
    signing.register(quiet, "north-west")  # registered, never reports
    days_ahead = timedelta()

    national = run_service(
        DEFINITION, reporting_mode="national", extra={"HUBS_PERIOD_CLOSE_CHECK_SECONDS": "0.2"}
    ).start_worker()
    national.wiring.extras["clock"] = lambda: datetime.now(UTC) + days_ahead
    due = last_month_due(datetime.now(UTC), 10)  # HUBS_REPORT_SIGN_OFF_DAYS' 10 days by default
    produce(national_topic(national.settings.topic_prefix), report(hub_id, due, final=True))

    reporting = eventually(lambda: (s := exposed(SILENT, hub_id)) and s["value"] < 60 and s)
    assert reporting["labels"] == {"hub_id": hub_id, "region": "london"}  # codes only
    assert exposed(LATE, hub_id)["value"] == 0  # its final report of the last month due is in
    assert exposed(SILENT, quiet) == {"labels": {"hub_id": quiet, "region": "north-west"}, "value": float("inf")}
    late = exposed(LATE, quiet)["value"]
    overdue = (datetime.now(UTC) - report_due_at(due, 10)).total_seconds()
    assert overdue - 60 < late <= overdue

    # Three days on with nothing more, the reporting hub has been quiet for three days.
    days_ahead = timedelta(days=3)
    silent = eventually(lambda: (v := exposed(SILENT, hub_id)["value"]) >= 3 * 86400 and v)
    assert silent < 3 * 86400 + 60
