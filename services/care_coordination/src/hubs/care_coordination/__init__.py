"""Care-coordination service: onward referrals, waits, monitoring, follow-up and closure."""
