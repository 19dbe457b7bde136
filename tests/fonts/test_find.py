"""Font lookup in a long-lived process (watch, serve, forked workers) follows fontconfig."""
import os
import shutil
import subprocess

import pytest

from converter.fonts import find
from converter.fonts.find import installed

DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


@pytest.mark.skipif(not os.path.exists(DEJAVU) or not shutil.which("fc-cache"), reason="needs DejaVu and fontconfig")
def test_a_font_installed_after_the_first_lookup_is_found_without_a_restart(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    installed.cache_clear()
    try:
        def ours():
            return [f for faces in installed().values() for f in faces if f.path.startswith(str(tmp_path))]

        assert ours() == []
        fonts = tmp_path / "data" / "fonts"
        fonts.mkdir(parents=True)
        shutil.copy(DEJAVU, fonts / "Copy.ttf")
        subprocess.run(["fc-cache", str(fonts)], check=True, capture_output=True)
        found = ours()
        assert found and found[0].stamp == (os.path.getsize(fonts / "Copy.ttf"),
                                            os.stat(fonts / "Copy.ttf").st_mtime_ns)
    finally:
        installed.cache_clear()  # the next test lists the machine's fonts again


def _listing_files() -> list:
    from converter.cachefiles import cache_dir

    return sorted((cache_dir() / "fonts-listed").glob("*.json"))


def test_fc_lists_answer_is_kept_on_disk_and_taken_by_the_next_process(monkeypatch):
    installed.cache_clear()
    try:
        first = installed()
        assert _listing_files(), "the answer is kept"
        installed.cache_clear()  # as a new process would start

        def no_fc_list(*args, **kwargs):
            raise AssertionError("fc-list ran although its answer was kept")

        monkeypatch.setattr(find.subprocess, "run", no_fc_list)
        assert installed() == first
    finally:
        installed.cache_clear()


def test_a_damaged_kept_answer_only_costs_time():
    installed.cache_clear()
    try:
        first = installed()
        for path in _listing_files():
            path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
        installed.cache_clear()
        assert installed() == first
    finally:
        installed.cache_clear()


@pytest.mark.skipif(not os.path.exists(DEJAVU) or not shutil.which("fc-cache"), reason="needs DejaVu and fontconfig")
def test_a_font_file_edited_without_fc_cache_is_listed_again(tmp_path, monkeypatch):
    """fontconfig's caches may lag a font file changed in place: the kept answer is not used
    when a listed file's size or time differ, so no cache keyed on the face sees the old one."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    fonts = tmp_path / "data" / "fonts"
    fonts.mkdir(parents=True)
    copy = fonts / "Copy.ttf"
    shutil.copy(DEJAVU, copy)
    subprocess.run(["fc-cache", str(fonts)], check=True, capture_output=True)
    installed.cache_clear()
    try:
        def ours():
            return [f.stamp for faces in installed().values() for f in faces if f.path == str(copy)]

        assert ours()
        with open(copy, "ab") as f:
            f.write(b"\0" * 4)  # same folder, no fc-cache: fontconfig's generation is unchanged
        installed.cache_clear()
        assert set(ours()) == {(os.path.getsize(copy), os.stat(copy).st_mtime_ns)}
    finally:
        installed.cache_clear()


@pytest.mark.skipif(not shutil.which("fc-cache"), reason="needs fontconfig")
def test_under_source_date_epoch_a_folder_fontconfig_had_not_cached_costs_one_fc_list(tmp_path, monkeypatch):
    """fontconfig dates the caches it writes by SOURCE_DATE_EPOCH: a folder changed since then
    had its cache written again by every fc-list, a new state of the caches each time, so every
    lookup ran fc-list again. It runs without it: the second lookup is answered from memory."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # (a folder made now is newer)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "data" / "fonts").mkdir(parents=True)
    installed.cache_clear()
    try:
        before = find._fontconfig_generation()
        first = installed()
        assert find._fontconfig_generation() != before, "fontconfig cached the new folder"
        state = find._fontconfig_generation()
        for _ in range(4):  # the first of these lists the new state once; fontconfig writes nothing more
            assert installed() == first
            assert find._fontconfig_generation() == state
        assert installed.cache_info().misses == 2 and installed.cache_info().hits == 3
    finally:
        installed.cache_clear()
