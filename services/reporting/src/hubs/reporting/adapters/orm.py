"""Tables of the reporting service (hub mode and national mode share one schema)."""

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, Float, Integer, MetaData, String, Table, Uuid, false

from hubs.runtime.messaging_tables import define_messaging_tables

metadata = MetaData()

period_figures = Table(
    "period_figures",
    metadata,
    Column("period_type", String(20), primary_key=True),
    Column("period", String(20), primary_key=True),
    Column("figure", String(100), primary_key=True),
    Column("value", Integer, nullable=False),
)

period_reports = Table(
    "period_reports",
    metadata,
    Column("period_type", String(20), primary_key=True),
    Column("period", String(20), primary_key=True),
    Column("report_version", Integer, nullable=False),
    # True when figures changed since the last report left the hub.
    Column("pending", Boolean, nullable=False),
    # True once a version made after the period ended has been sent.
    Column("final", Boolean, nullable=False, server_default=false()),
)

# Months the hub lead signed off, by whom (the token's subject) and when: they never leave the
# hub; a report says only whether its period was signed off. `signed_off_by` and `signed_off_at`
# are empty for a sign-off learned back from the reports the hub published (a rebuild).
period_sign_offs = Table(
    "period_sign_offs",
    metadata,
    Column("period_type", String(20), primary_key=True),
    Column("period", String(20), primary_key=True),
    Column("signed_off_by", String(255), nullable=True),
    Column("signed_off_at", DateTime(timezone=True), nullable=True),
)

# Per-case facts: they never leave the hub.
case_facts = Table(
    "case_facts",
    metadata,
    Column("case_id", String(36), primary_key=True),
    Column("facts", JSON, nullable=False),
    Column("first_day", Date, nullable=False),
    Column("last_day", Date, nullable=False),
    # True when the case was referred on: it may be waiting at the end of any later period.
    Column("open_wait", Boolean, nullable=False),
    # The facts as the kept periods' totals count them, while they differ from `facts` (None:
    # counted as they are). The next computation adds the difference and clears it.
    Column("counted", JSON(none_as_null=True), nullable=True),
)

# Periods whose totals are kept up to date by each case's change of facts.
kept_periods = Table(
    "kept_periods",
    metadata,
    Column("period_type", String(20), primary_key=True),
    Column("period", String(20), primary_key=True),
    Column("first_day", Date, nullable=False),
    Column("last_day", Date, nullable=False),
)

# A kept period's totals: the sums of its cases' counts, and how many cases bring each value
# of a median or percentile ("<values>|<value>"). Never sent: figures are made from them.
period_totals = Table(
    "period_totals",
    metadata,
    Column("period_type", String(20), primary_key=True),
    Column("period", String(20), primary_key=True),
    Column("item", String(160), primary_key=True),
    Column("value", Integer, nullable=False),
)

activities = Table(
    "activities",
    metadata,
    Column("activity_key", String(120), primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("day", Date, nullable=False),
    Column("record", JSON, nullable=False),
)

# Periods whose figures must be computed again from the facts.
stale_periods = Table(
    "stale_periods",
    metadata,
    Column("period_type", String(20), primary_key=True),
    Column("period", String(20), primary_key=True),
    # Counts up each time the period is marked, so that a computation started before a new
    # mark does not clear it.
    Column("generation", Integer, nullable=False),
)

# Employers' returns, as uploaded; only monthly totals leave this table (as events).
sickness_absence = Table(
    "sickness_absence",
    metadata,
    Column("employer", String(200), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("days_lost_mental_health", Float, nullable=False),
    Column("days_lost_all_causes", Float, nullable=True),
    Column("import_id", String(36), nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
)

# Periods whose figures could not be computed, with why: the other periods carry on. A period
# computed again later without failing leaves the table.
quarantined_periods = Table(
    "quarantined_periods",
    metadata,
    Column("period_type", String(20), primary_key=True),
    Column("period", String(20), primary_key=True),
    Column("reason", String(40), nullable=False),
    Column("detail", String(500), nullable=False),
    Column("first_quarantined_at", DateTime(timezone=True), nullable=False),
    Column("last_quarantined_at", DateTime(timezone=True), nullable=False),
    Column("attempts", Integer, nullable=False),
)

# Events whose dates cannot be placed in the hub's periods: set aside, never folded into the
# facts; the event itself stays on its topic.
quarantined_events = Table(
    "quarantined_events",
    metadata,
    Column("event_id", String(36), primary_key=True),
    Column("event_type", String(60), nullable=False),
    Column("reason", String(40), nullable=False),
    Column("field", String(100), nullable=True),
    Column("detail", String(500), nullable=False),
    Column("quarantined_at", DateTime(timezone=True), nullable=False),
)

national_reports = Table(
    "national_reports",
    metadata,
    Column("hub_id", String(64), primary_key=True),
    Column("period_type", String(20), primary_key=True),
    Column("period", String(20), primary_key=True),
    Column("region", String(40), nullable=False),
    Column("report_version", Integer, nullable=False),
    Column("figures", JSON, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    # True when the hub's figures for the period were final when it made this version.
    Column("final", Boolean, nullable=True),
    # True when the hub lead signed off every month of the period; None from older hubs.
    Column("signed_off", Boolean, nullable=True),
    # True when the figures are the hub's exact counts; None from hubs that suppressed before
    # sending (their figures are "*" or rounded to 5).
    Column("figures_exact", Boolean, nullable=True),
)

# Every read of exact national figures (national analysts only): who, in which role, what and
# for which periods. Published (suppressed) figures are not audited.
national_exact_reads = Table(
    "national_exact_reads",
    metadata,
    Column("read_id", Uuid, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("subject", String(200), nullable=False),
    Column("roles", String(200), nullable=False),
    Column("hub_id", String(64), nullable=False),
    Column("what", String(40), nullable=False),
    Column("period_type", String(20), nullable=False),
    Column("first_period", String(20), nullable=False),
    Column("last_period", String(20), nullable=False),
)

outbox, processed_events = define_messaging_tables(metadata)
