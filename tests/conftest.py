"""Shared fixtures: a fixed SOURCE_DATE_EPOCH, the corpus seed (skipped cleanly when absent)."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

from helpers import SEED

# Every property test draws the same examples on every run (no seed from the clock, no example
# database): CI is reproducible, and a failure a random run once found is kept as its own test.
settings.register_profile("reproducible", derandomize=True, database=None)
settings.load_profile("reproducible")


def pytest_configure(config):
    """The tests get a cache of their own (fonts, subsets, metrics), empty at the start.

    A developer's ~/.cache/converter may hold subsets another checkout's code wrote under the
    same keys; the tests must see only what this code makes. Subprocesses inherit it.
    """
    config._converter_cache = tempfile.mkdtemp(prefix="converter-tests-cache-")
    os.environ["XDG_CACHE_HOME"] = config._converter_cache
    os.environ.pop("CONVERTER_CACHE", None)


def pytest_unconfigure(config):
    shutil.rmtree(getattr(config, "_converter_cache", ""), ignore_errors=True)


@pytest.fixture(autouse=True)
def _fixed_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


@pytest.fixture
def seed() -> Path:
    if not SEED.is_file():
        pytest.skip("corpus seed ../shared/corpus is absent")
    return SEED
