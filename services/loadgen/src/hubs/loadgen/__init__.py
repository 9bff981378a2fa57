"""Synthetic, seeded demo data for a running hub (never real people)."""
