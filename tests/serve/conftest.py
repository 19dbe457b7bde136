"""Fixtures of the web application's tests: the app with real worker processes, and waiting for jobs."""
from __future__ import annotations

import time
from dataclasses import replace

import pytest

starlette = pytest.importorskip("starlette")
pytest.importorskip("httpx2")  # starlette.testclient

from starlette.testclient import TestClient  # noqa: E402

from converter.serve.app import create_app  # noqa: E402
from converter.serve.limits import Limits  # noqa: E402

#: small caps, so the tests see them act; two workers, so one slow build does not block another
TEST_LIMITS = replace(Limits(), workers=2, request_bytes=2 * 1024 * 1024, build_seconds=60, job_seconds=600)


def make_client(tmp_path, limits: Limits = TEST_LIMITS, token: str | None = None, warm: bool = False,
                loopback_only: bool = False, base_url: str = "http://testserver") -> TestClient:
    return TestClient(create_app(limits, token, temp_root=tmp_path, warm=warm, loopback_only=loopback_only),
                      base_url=base_url)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with make_client(tmp_path_factory.mktemp("serve")) as c:
        yield c


def wait_job(client: TestClient, url: str, seconds: float = 90, headers: dict | None = None) -> dict:
    """Poll a job until it is done or failed; its last JSON."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = client.get(url, headers=headers or {}).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {url} not finished after {seconds} s: {job}")


def convert(client: TestClient, text: str, name: str = "document.txt", **fields) -> dict:
    """POST a text and wait for its job."""
    r = client.post("/api/convert", data={"text": text, "name": name, **fields})
    assert r.status_code == 202, r.text
    return wait_job(client, r.json()["url"])
