"""Outreach service: outreach and inreach, training, stakeholder engagement and the hub's own workforce."""
