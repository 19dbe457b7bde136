"""The cache's files: kept under a cap (CONVERTER_CACHE_MAX_MB), least recently used first,
looked at once a day, by a real build too."""
from __future__ import annotations

import os
import time

from batch_helpers import converter as run
from converter import cachefiles
from helpers import FIXTURES

MB = 1024 * 1024
DAY = 24 * 3600


def fill(root, name: str, megabytes: float, used_days_ago: float, now: float):
    """A cache file of that size, last used (read and written) that many days ago."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * int(megabytes * MB))
    when = now - used_days_ago * DAY
    os.utime(path, (when, when))
    return path


def test_the_least_recently_used_files_go_until_the_cache_holds_four_fifths_of_its_cap(tmp_path, monkeypatch):
    now = time.time()
    monkeypatch.setenv("CONVERTER_CACHE", str(tmp_path))
    monkeypatch.setenv(cachefiles.LIMIT_VARIABLE, "10")
    old = [fill(tmp_path, f"docx-skeletons/old{i}.docx", 1, 30 - i, now) for i in range(6)]
    read_yesterday = fill(tmp_path, "subsets/read.ttf", 3, 40, now)
    os.utime(read_yesterday, (now - DAY, now - 40 * DAY))  # written long ago, read yesterday
    recent = [fill(tmp_path, f"cmaps/new{i}.u32", 1, 0.1, now) for i in range(3)]
    writing = fill(tmp_path, "subsets/x.ttf.123.part", 1, 0.01, now)  # another build is writing it
    removed = cachefiles.prune_if_due(now)
    # 12 MB (the .part file is not the cache's yet) over a cap of 10: the oldest go until at
    # most 8 MB are left
    assert sorted(removed) == sorted(old[:4])
    assert all(p.exists() for p in [*old[4:], read_yesterday, *recent, writing])
    left = sum(p.stat().st_size for p in tmp_path.rglob("*") if p.is_file() and p != writing)
    assert left == 8 * MB
    # looked at once a day: a second build the same day removes nothing, even over the cap
    fill(tmp_path, "docx-skeletons/more.docx", 5, 50, now)
    assert cachefiles.prune_if_due(now + 3600) == []
    assert (tmp_path / "docx-skeletons/more.docx").exists()
    assert (tmp_path / "docx-skeletons/more.docx") in cachefiles.prune_if_due(now + DAY + 1)


def test_a_cache_under_its_cap_and_a_cap_of_zero_keep_everything(tmp_path, monkeypatch):
    now = time.time()
    monkeypatch.setenv("CONVERTER_CACHE", str(tmp_path))
    files = [fill(tmp_path, f"f{i}", 1, 100, now) for i in range(4)]
    monkeypatch.setenv(cachefiles.LIMIT_VARIABLE, "5")
    assert cachefiles.prune_if_due(now) == []
    (tmp_path / cachefiles.PRUNE_STAMP).unlink()
    monkeypatch.setenv(cachefiles.LIMIT_VARIABLE, "0")
    assert cachefiles.prune_if_due(now) == [] and all(p.exists() for p in files)
    monkeypatch.delenv(cachefiles.LIMIT_VARIABLE)
    assert cachefiles.cache_limit() == cachefiles.DEFAULT_LIMIT_MB * MB


def test_a_build_keeps_its_cache_under_the_cap_and_says_when_the_cap_is_not_a_number(tmp_path):
    """A real build: a dead code version's skeleton, unused for a month, goes; the build's own
    files (made just now) stay, and the outputs are made. A cap that is not a number is said,
    and the default cap applies."""
    cache = tmp_path / "cache"
    now = time.time()
    dead = fill(cache, "docx-skeletons/dead-code-version.docx", 30, 30, now)
    env = {**os.environ, "CONVERTER_CACHE": str(cache), cachefiles.LIMIT_VARIABLE: "20"}
    src = FIXTURES / "docx" / "every-element.xml"
    done = run("build", src, "-o", tmp_path / "out", "--to", "docx,pdf", env=env)
    assert done.returncode == 0, done.stderr
    assert not dead.exists()
    assert (tmp_path / "out" / "every-element.docx").is_file() and (tmp_path / "out" / "every-element.pdf").is_file()
    assert any((cache / "docx-skeletons").iterdir())  # this build's skeleton, the newest file, stays
    again = run("build", src, "-o", tmp_path / "out2", "--to", "docx",
                env={**env, cachefiles.LIMIT_VARIABLE: "lots"})
    assert again.returncode == 0
    assert "CONVERTER_CACHE_MAX_MB='lots' is not a number of megabytes" in again.stdout + again.stderr
