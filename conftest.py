"""Fixtures shared by every test of the monorepo (real Kafka and PostgreSQL)."""

pytest_plugins = ["hubs.runtime.testing"]
