"""Every event of every service. Importing this package registers them all."""

from hubs.contracts.events import assessment, care, outreach, referral, reporting  # noqa: F401
