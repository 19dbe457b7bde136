"""The EPUB books every EPUB test module reads: built once per session (epubcheck runs once per book)."""
from __future__ import annotations

import pytest

from epub_books import EPOCH, Book, build_library


@pytest.fixture(scope="session")
def library(tmp_path_factory) -> dict[str, Book]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return build_library(tmp_path_factory.mktemp("epub"))
