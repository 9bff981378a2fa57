"""Referral service: the front door of the hub, from a first referral to first contact."""
