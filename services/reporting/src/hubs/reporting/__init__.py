"""Reporting service: the national monitoring data set, built from events, in a hub or nationally."""
