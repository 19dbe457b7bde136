"""Font lookup in a long-lived process (watch, serve, forked workers) follows fontconfig."""
import os
import shutil
import subprocess

import pytest

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
