"""Fixtures of the contract tests: the contracts/ folder and its generated documents. Nothing
here needs Kafka or a database."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"


@pytest.fixture(scope="session")
def contracts_root() -> Path:
    return CONTRACTS


@pytest.fixture(scope="session")
def asyncapi_document() -> dict:
    return yaml.safe_load((CONTRACTS / "asyncapi.yaml").read_text(encoding="utf-8"))
