"""The zip packaging of the DOCX and EPUB writers: written once, deflated members kept in the
cache, WOFF2 fonts stored — and the same bytes as zipfile itself writes."""
from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from datetime import datetime, timezone

import pytest

from converter.writers import packaging

WHEN = datetime(2024, 3, 15, tzinfo=timezone.utc)


def members() -> list[tuple[str, bytes]]:
    big = b"".join(hashlib.sha256(str(i).encode()).hexdigest().encode() + b"<w:p/>" * (i % 7) for i in range(4000))
    return [("mimetype", b"application/epub+zip"), ("word/styles.xml", big),
            ("EPUB/fonts/Face.woff2", os.urandom(5000)), ("small.xml", b"<a>text</a>"),
            ("word/media/image1.PNG", os.urandom(3000)), ("名字.xml", "<a>中文</a>".encode())]


def plain_zipfile(path, entries, stored=()) -> None:
    """What the writers wrote before: zipfile's own writestr at level 9."""
    with zipfile.ZipFile(path, "w") as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(2024, 3, 15, 0, 0, 0))
            keep = name in stored or name.lower().endswith(packaging.ALREADY_COMPRESSED)
            info.compress_type = zipfile.ZIP_STORED if keep else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            z.writestr(info, data, compresslevel=None if keep else 9)


def test_a_member_deflated_from_the_cache_gives_the_bytes_zipfile_writes(tmp_path):
    entries = members()
    assert len(entries[1][1]) >= packaging.CACHED_FROM  # the styles part goes through the cache
    plain_zipfile(tmp_path / "plain.zip", entries, stored=("mimetype",))
    cache = tmp_path / "cache"
    for name in ("first.zip", "second.zip"):  # deflated and kept, then taken from the cache
        packaging.write_zip(tmp_path / name, entries, WHEN, first=("mimetype",), stored=("mimetype",), cache=cache)
        assert (tmp_path / name).read_bytes() == (tmp_path / "plain.zip").read_bytes()
    assert len(list((cache / packaging.CACHE_DIR).iterdir())) == 1  # only the large member is kept
    packaging.write_zip(tmp_path / "nocache.zip", entries, WHEN, first=("mimetype",), stored=("mimetype",))
    assert (tmp_path / "nocache.zip").read_bytes() == (tmp_path / "plain.zip").read_bytes()


def test_compressed_members_are_stored_and_everything_reads_back(tmp_path):
    entries = members()
    packaging.write_zip(tmp_path / "out.zip", entries, WHEN, cache=tmp_path / "cache")
    with zipfile.ZipFile(tmp_path / "out.zip") as z:
        assert z.testzip() is None
        methods = {i.filename: i.compress_type for i in z.infolist()}
        assert {name: z.read(name) for name in methods} == dict(entries)
    assert methods["EPUB/fonts/Face.woff2"] == zipfile.ZIP_STORED
    assert methods["word/styles.xml"] == methods["small.xml"] == methods["word/media/image1.PNG"] == zipfile.ZIP_DEFLATED


def test_a_damaged_cache_file_is_not_copied_into_an_output(tmp_path):
    entries = members()
    cache = tmp_path / "cache"
    packaging.write_zip(tmp_path / "good.zip", entries, WHEN, cache=cache)
    (kept,) = (cache / packaging.CACHE_DIR).iterdir()
    raw = bytearray(kept.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    kept.write_bytes(bytes(raw))
    packaging.write_zip(tmp_path / "again.zip", entries, WHEN, cache=cache)
    assert (tmp_path / "again.zip").read_bytes() == (tmp_path / "good.zip").read_bytes()
    kept.write_bytes(b"not deflate at all")
    packaging.write_zip(tmp_path / "third.zip", entries, WHEN, cache=cache)
    assert (tmp_path / "third.zip").read_bytes() == (tmp_path / "good.zip").read_bytes()


def test_rezip_rewrites_a_zip_as_write_zip_writes_it(tmp_path):
    entries = members()
    with zipfile.ZipFile(tmp_path / "any.zip", "w", zipfile.ZIP_DEFLATED) as z:  # today's time, level 6
        for name, data in entries:
            z.writestr(name, data)
    packaging.rezip(tmp_path / "any.zip", WHEN, first=("mimetype",), stored=("mimetype",))
    packaging.write_zip(tmp_path / "direct.zip", entries, WHEN, first=("mimetype",), stored=("mimetype",))
    assert (tmp_path / "any.zip").read_bytes() == (tmp_path / "direct.zip").read_bytes()
    assert not list(tmp_path.glob("*.rezip"))


def in_pieces(data: bytes, file) -> packaging.Pieces:
    """``data`` as a member in pieces: bytes, then a range of ``file`` (where the middle is
    written, after other bytes), then bytes again — as the DOCX's document.xml of a long table."""
    third = len(data) // 3
    file.write(b"other bytes first")
    offset = file.tell()
    file.write(data[third:2 * third])
    return packaging.Pieces([data[:third], (file, offset, 2 * third - third), data[2 * third:]])


@pytest.mark.parametrize("cache", [True, False])
def test_members_in_pieces_give_the_bytes_of_whole_members(tmp_path, cache):
    """Every kind of member (deflated through the cache, small, stored, empty) written a chunk
    at a time gives the zip it gives as one bytes object; the cache is filled and then used."""
    entries = members() + [("empty.xml", b""), ("word/document.xml", members()[1][1] * 8)]
    assert len(entries[-1][1]) > 2 * packaging.CHUNK  # several chunks from each piece
    whole = tmp_path / "whole.zip"
    packaging.write_zip(whole, entries, WHEN, first=("mimetype",), stored=("mimetype",),
                        cache=tmp_path / "cache-whole" if cache else None)
    folder = tmp_path / "cache-pieces" if cache else None
    with tempfile.TemporaryFile() as file:
        for name in ("first.zip", "second.zip"):  # with a cache: deflated and kept, then taken from it
            pieces = [(n, in_pieces(d, file)) for n, d in entries]
            packaging.write_zip(tmp_path / name, pieces, WHEN, first=("mimetype",), stored=("mimetype",), cache=folder)
            assert (tmp_path / name).read_bytes() == whole.read_bytes(), name
    if cache:
        assert sorted(p.name for p in (tmp_path / "cache-pieces" / packaging.CACHE_DIR).iterdir()) == \
            sorted(p.name for p in (tmp_path / "cache-whole" / packaging.CACHE_DIR).iterdir())


def test_a_damaged_cache_file_is_not_copied_into_a_member_in_pieces(tmp_path):
    data = members()[1][1] * 10
    cache = tmp_path / "cache"
    packaging.write_zip(tmp_path / "good.zip", [("word/document.xml", data)], WHEN, cache=cache)
    (kept,) = (cache / packaging.CACHE_DIR).iterdir()
    good = kept.read_bytes()
    for damaged in (good[:len(good) // 2], good[:-1] + bytes([good[-1] ^ 0xFF]), good + good, b"not deflate"):
        kept.write_bytes(damaged)
        with tempfile.TemporaryFile() as file:
            packaging.write_zip(tmp_path / "again.zip", [("word/document.xml", in_pieces(data, file))], WHEN,
                                cache=cache)
        assert (tmp_path / "again.zip").read_bytes() == (tmp_path / "good.zip").read_bytes()
