"""The caps that make the server safe to share: size, time, memory, expiry, the token, the queue."""
from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import replace

import pytest

from converter.serve.jobs import Busy, JobStore
from converter.serve.limits import MiB

from .conftest import TEST_LIMITS, make_client, wait_job

REPORT = "Annual report\n\nTo the Board:\n\n1. Scope. We reviewed the controls.\n"
#: 1.2 MB of report: seconds to build and more memory than a small cap
HOSTILE = "Title\n\n" + "\n\n".join(f"{i}. Section {i}. " + "word " * 400 for i in range(1, 600))


def test_a_request_over_the_size_limit_is_refused_before_it_is_stored(tmp_path):
    limits = replace(TEST_LIMITS, request_bytes=64 * 1024, workers=1)
    with make_client(tmp_path, limits) as c:
        big = "x" * (65 * 1024)
        r = c.post("/api/convert", data={"text": big, "name": "a.txt"})
        assert r.status_code == 413 and "larger than this server accepts" in r.json()["error"]["message"]

        def chunks():  # no content-length: the body is counted as it streams in
            for _ in range(70):
                yield b"y" * 1024

        r = c.post("/api/convert?name=a.txt", content=chunks(), headers={"content-type": "text/plain"})
        assert r.status_code == 413
        assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_finished_jobs_are_removed_with_their_folders_after_the_time_limit(tmp_path):
    with make_client(tmp_path, replace(TEST_LIMITS, job_seconds=0.5, workers=1)) as c:
        r = c.post("/api/convert", data={"text": REPORT, "name": "a.txt", "to": "xml", "preview": "0"})
        job = wait_job(c, r.json()["url"])
        assert job["status"] == "done"
        folders = [p for p in tmp_path.rglob("*") if p.is_dir() and p.name == job["id"]]
        assert len(folders) == 1 and (folders[0] / "out" / "a.xml").is_file()
        time.sleep(0.8)
        assert c.get(r.json()["url"]).status_code == 404
        assert not folders[0].exists()
    assert list(tmp_path.iterdir()) == []  # the server's own temporary folder goes when it stops


def test_a_build_over_the_time_limit_is_stopped_and_the_next_build_works(tmp_path, seed):
    with make_client(tmp_path, replace(TEST_LIMITS, workers=1, build_seconds=0.05)) as c:
        r = c.post("/api/convert", data={"text": seed.read_text(encoding="utf-8"), "name": "seed.txt"})
        job = wait_job(c, r.json()["url"])
        assert job["status"] == "failed"
        assert "took longer than this server allows" in job["error"]["message"]
        c.app.app.state.pool.build_seconds = 60  # (the Guard wraps the Starlette app)
        # the killed worker was replaced: the same server builds the next document
        job = wait_job(c, c.post("/api/convert", data={"text": REPORT, "name": "a.txt", "to": "xml"}).json()["url"])
        assert job["status"] == "done"


def test_one_hostile_document_does_not_stall_the_others(tmp_path):
    """Two workers: a document that takes too long is killed at its time limit, while a small
    one sent after it is built meanwhile by the other worker."""
    with make_client(tmp_path, replace(TEST_LIMITS, workers=2, build_seconds=8)) as c:
        slow = c.post("/api/convert", data={"text": HOSTILE, "name": "slow.txt", "to": "pdf,docx,epub"}).json()["url"]
        time.sleep(0.3)
        fast = c.post("/api/convert", data={"text": REPORT, "name": "a.txt", "to": "xml"}).json()["url"]
        small = wait_job(c, fast)
        assert small["status"] == "done"
        assert c.get(slow).json()["status"] == "running"  # still being built: it did not block the small one
        big = wait_job(c, slow)
        assert big["status"] in ("failed", "done")
        if big["status"] == "failed":
            assert "longer than" in big["error"]["message"]


def test_a_long_document_previews_its_first_pages_only(tmp_path):
    from converter.serve.build import PREVIEW_PAGES

    long_text = "Title\n\n" + "\n\n".join(f"{i}. Part {i}. " + "word " * 300 for i in range(1, 120))
    with make_client(tmp_path, replace(TEST_LIMITS, workers=1)) as c:
        job = wait_job(c, c.post("/api/convert", data={"text": long_text, "name": "long.txt", "to": "pdf"}).json()["url"])
        assert job["status"] == "done"
        assert job["pages"]["pdf"] > PREVIEW_PAGES
        assert [p["page"] for p in job["previews"]] == list(range(1, PREVIEW_PAGES + 1))


def test_the_memory_cap_holds_in_a_worker_process():
    code = ("from converter.serve.limits import cap_memory\n"
            "cap_memory(300 * 1024 * 1024)\n"
            "try:\n    x = bytearray(400 * 1024 * 1024)\nexcept MemoryError:\n    print('refused')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "refused"


#: a table of 60,000 rows in 1.5 MB, as a Word document: python-docx's tree of it takes some
#: 500 MB (its PDF, laid out a row at a time and painted a page at a time, now fits in 150 MB)
OVER_THE_CAP = "Title\n\nItem\tAmount\tLine\n" + "".join(f"item {i}\t{i * 3}\tline {i % 97}\n" for i in range(60_000))


def test_a_build_over_the_memory_cap_fails_cleanly_and_the_server_goes_on(tmp_path):
    with make_client(tmp_path, replace(TEST_LIMITS, workers=1, memory_bytes=150 * MiB)) as c:
        r = c.post("/api/convert", data={"text": OVER_THE_CAP, "name": "big.txt", "to": "docx", "preview": "0"})
        job = wait_job(c, r.json()["url"])
        assert job["status"] == "failed"
        assert "memory" in job["error"]["message"]
        assert "Traceback" not in str(job)
        assert c.get("/api/styles").status_code == 200


def test_the_token_guards_every_request(tmp_path):
    with make_client(tmp_path, replace(TEST_LIMITS, workers=1), token="s3cret-token") as c:
        assert c.get("/").status_code == 401
        form = c.get("/", headers={"accept": "text/html"})
        assert form.status_code == 401 and '<form method="get" action="/">' in form.text  # a person can type it
        assert c.get("/api/styles").status_code == 401
        assert c.get("/api/styles", headers={"authorization": "Bearer wrong-token"}).status_code == 401
        assert c.get("/api/styles", headers={"authorization": "Bearer s3cret-token"}).status_code == 200
        r = c.get("/?token=s3cret-token", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/"
        assert "HttpOnly" in r.headers["set-cookie"] and "SameSite=Strict" in r.headers["set-cookie"]
        c.cookies.set("converter_token", "s3cret-token")
        assert c.get("/").status_code == 200
        assert c.get("/api/styles").status_code == 200


def test_a_server_on_this_machine_only_answers_requests_for_this_machine(tmp_path):
    """A web page that points its own domain name at 127.0.0.1 (DNS rebinding) sends its Host:
    the answer is refused, so the page cannot read documents."""
    with make_client(tmp_path, replace(TEST_LIMITS, workers=1), loopback_only=True, base_url="http://127.0.0.1:8765") as c:
        assert c.get("/api/styles").status_code == 200
        assert c.get("/api/styles", headers={"host": "localhost:8765"}).status_code == 200
        assert c.get("/api/styles", headers={"host": "[::1]:8765"}).status_code == 200
        r = c.get("/api/styles", headers={"host": "evil.example:8765"})
        assert r.status_code == 421 and "this machine only" in r.json()["error"]["message"]


def test_a_token_in_the_address_is_taken_only_by_a_page_load(tmp_path):
    with make_client(tmp_path, replace(TEST_LIMITS, workers=1), token="s3cret-token") as c:
        r = c.post("/api/convert?token=s3cret-token", data={"text": REPORT, "name": "a.txt"}, follow_redirects=False)
        assert r.status_code == 401


def test_the_queue_is_bounded(tmp_path):
    store = JobStore(tmp_path, job_seconds=60, kept_jobs=3, queued_jobs=2)
    store.create("a.txt", b"x", None, ["xml"], False)
    store.create("b.txt", b"x", None, ["xml"], False)
    with pytest.raises(Busy):
        store.create("c.txt", b"x", None, ["xml"], False)
    store.close()
    assert not any(tmp_path.iterdir())


def test_repeated_edits_reuse_the_font_subsets(tmp_path, monkeypatch, seed):
    """The workers' subsets (and their in-process caches) outlive a build: an edit that keeps
    the document's characters makes no new subset."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("CONVERTER_CACHE", str(cache))  # the workers start with this environment
    text = seed.read_text(encoding="utf-8")
    (tmp_path / "jobs").mkdir()
    with make_client(tmp_path / "jobs", replace(TEST_LIMITS, workers=1)) as c:
        ask = {"name": "seed.txt", "to": "pdf", "preview": "0"}  # the PDF's subsets are enough to see it
        first = wait_job(c, c.post("/api/convert", data={"text": text, **ask}).json()["url"])
        made = {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()}
        assert first["status"] == "done" and made
        edited = text.replace("积极推进", "积极推进，推进", 1)  # characters the document already has
        second = wait_job(c, c.post("/api/convert", data={"text": edited, **ask}).json()["url"])
        assert second["status"] == "done"
        assert {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()} == made
