"""Shared fixtures: a fixed SOURCE_DATE_EPOCH, the corpus seed (skipped cleanly when absent)."""
from __future__ import annotations

from pathlib import Path

import pytest

from helpers import SEED


@pytest.fixture(autouse=True)
def _fixed_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


@pytest.fixture
def seed() -> Path:
    if not SEED.is_file():
        pytest.skip("corpus seed ../shared/corpus is absent")
    return SEED
