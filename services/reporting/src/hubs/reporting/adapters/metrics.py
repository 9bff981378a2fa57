"""Prometheus metrics of the reporting service: period types and outcomes as labels, never ids."""

from prometheus_client import Counter, Gauge

PERIODS_COMPUTED = Counter(
    "hubs_reporting_periods_computed_total", "Periods whose figures were computed again from the facts", ["period_type"]
)
# With several API workers every process has the gauge: show the live maximum, not one per pid.
STALE_PERIODS = Gauge(
    "hubs_reporting_stale_periods", "Periods waiting to be computed again", multiprocess_mode="livemax"
)
REPORTS_QUEUED = Counter(
    "hubs_reporting_reports_queued_total",
    "Report versions written to the outbox for the national topic",
    ["period_type", "final"],
)
SICKNESS_LINES = Counter(
    "hubs_reporting_sickness_absence_lines_total", "Lines of sickness absence uploads", ["outcome"]
)
# What is set aside rather than failing the rest: labelled by period type and reason only.
PERIODS_QUARANTINED = Counter(
    "hubs_reporting_periods_quarantined_total",
    "Periods whose figures could not be computed, set aside with their reason",
    ["period_type", "reason"],
)
EVENTS_QUARANTINED = Counter(
    "hubs_reporting_events_quarantined_total",
    "Events whose dates cannot be placed in a reporting period, set aside with their reason",
    ["reason"],
)
QUARANTINED = Gauge(
    "hubs_reporting_quarantined",
    "Periods and events set aside now (kind: period or event)",
    ["kind"],
    multiprocess_mode="livemax",
)
# National mode: reports dead-lettered, by a fixed reason code (never a hub's data).
NATIONAL_REPORTS_REJECTED = Counter(
    "hubs_national_reports_rejected_total",
    "Hub reports the national service refused and dead-lettered (unsigned, unknown hub, wrong key, ...)",
    ["reason"],
)
# National mode: how long each registered hub has been quiet, and how late its report of the last
# month due is. Labelled by the hub's and region's codes only (from the registry).
NATIONAL_HUB_SILENT = Gauge(
    "hubs_national_hub_seconds_since_report",
    "Seconds since the national service last took a report from the hub (+Inf: never)",
    ["hub_id", "region"],
    multiprocess_mode="livemax",
)
NATIONAL_REPORT_LATE = Gauge(
    "hubs_national_hub_report_late_seconds",
    "Seconds the hub's final report of the last month due is overdue (0: in, or not due yet)",
    ["hub_id", "region"],
    multiprocess_mode="livemax",
)
