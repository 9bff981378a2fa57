"""Prometheus metrics of the referral service: codes as labels, never anything personal."""

from prometheus_client import Counter, Gauge, Histogram

HOUR_BUCKETS = (1, 2, 4, 8, 16, 24, 48, 72, 120, 168, 336)

REFERRALS_RECEIVED = Counter("hubs_referrals_received_total", "Referrals received", ["source", "urgency"])
REFERRALS_LINKED = Counter("hubs_referrals_linked_total", "Second referrals linked to an open one", ["source"])
# The three first-contact series are the contract of the alerts and dashboards (docs/operations.md).
TIME_TO_FIRST_CONTACT = Histogram(
    "hubs_time_to_first_contact_hours",
    "Time from referral received to first successful contact",
    ["service", "urgency", "basis"],  # basis: calendar or working hours
    buckets=HOUR_BUCKETS,
)
FIRST_CONTACT_BREACHES = Counter(
    "hubs_first_contact_breaches_total", "First contacts made after the service standard", ["service", "urgency"]
)
FIRST_CONTACT_AT_RISK = Gauge(
    "hubs_first_contact_at_risk",
    "Referrals still awaiting first contact that will breach the standard by the end of today",
    ["service", "urgency"],
    multiprocess_mode="livemax",  # every API worker computes the same count: show it once
)
# Computed from the database by the worker (about every 30 s): referrals whose first-contact due
# time has passed with no contact yet. Counted now, not when contacted late, so a breach alerts at once.
FIRST_CONTACT_OVERDUE = Gauge(
    "hubs_first_contact_overdue",
    "Referrals past their first-contact due time and not yet contacted",
    ["service", "urgency"],
    multiprocess_mode="livemax",
)
SERVICE = "referral"
PERSONAL_DATA_READS = Counter("hubs_referral_personal_data_reads_total", "Audited reads of personal data", ["purpose"])
PERSONAL_DATA_ERASED = Counter(
    "hubs_referral_personal_data_erased_total", "Referrals whose personal data was erased", ["why"]
)
WAITING_FOR_FIRST_CONTACT = Gauge(
    "hubs_referral_waiting_for_first_contact",
    "Referrals awaiting first contact, by urgency and state (on-time, due-today, breached)",
    ["urgency", "state"],
    multiprocess_mode="livemax",
)
# Notices to the hub's duty inbox: channel (email, notify) and reason (urgent-referral,
# first-contact-at-risk) are codes; nothing about the person or the referral is a label.
DUTY_NOTIFICATIONS_SENT = Counter(
    "hubs_duty_notifications_sent_total", "Notices sent to the hub's duty inbox", ["channel", "reason"]
)
DUTY_NOTIFICATIONS_FAILED = Counter(
    "hubs_duty_notifications_failed_total", "Attempts to notify the hub's duty inbox that failed", ["channel", "reason"]
)
