"""What stands between the network and the application: the shared token, same-origin writes,
the request size cap, and headers that keep the page from being framed or sniffed.

Plain ASGI middleware (no per-request thread, no body buffering): the size cap counts the body
as it streams in, so an upload over the limit is refused before it is stored anywhere.
"""
from __future__ import annotations

import hmac
import json
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlencode

COOKIE = "converter_token"

#: every response: no framing, no MIME sniffing, no referrer leaking job ids, only our own assets
HEADERS = [
    (b"content-security-policy", b"default-src 'self'; img-src 'self' blob: data:; object-src 'none'; "
                                 b"base-uri 'none'; frame-ancestors 'none'; form-action 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


class TooLarge(Exception):
    """The request body is over the limit."""


async def send_json(send, status: int, body: dict, headers: list[tuple[bytes, bytes]] = ()) -> None:
    data = json.dumps(body, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(data)).encode()), (b"cache-control", b"no-store"),
                            *HEADERS, *headers]})
    await send({"type": "http.response.body", "body": data})


def _error(message: str) -> dict:
    return {"error": {"message": message, "line": None}}


class Guard:
    """Token, origin and size checks, and the security headers, for every HTTP request."""

    def __init__(self, app, token: str | None, request_bytes: int, loopback_only: bool = False):
        """``loopback_only``: the server listens on this machine only, so a request must name it
        as localhost / 127.0.0.1 / [::1] (a web page that rebinds its own domain name to
        127.0.0.1 then still cannot read what the server answers)."""
        self.app = app
        self.token = token
        self.request_bytes = request_bytes
        self.loopback_only = loopback_only

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if self.loopback_only and not _loopback_host(headers.get("host", "")):
            return await send_json(send, 421, _error("this server answers requests for this machine only "
                                                     "(localhost, 127.0.0.1)"))
        if self.token is not None:
            given = _query_token(scope) if scope["method"] == "GET" else None
            if given is not None and _same(given, self.token):
                return await _redirect_with_cookie(scope, send, self.token)
            if not self._authorised(headers):
                if scope["path"] == "/" and "text/html" in headers.get("accept", ""):
                    return await _send_token_form(send)
                return await send_json(send, 401, _error("this server needs its access token: open the address "
                                                         "with ?token=… or send 'Authorization: Bearer …'"))
        if scope["method"] not in ("GET", "HEAD", "OPTIONS") and not _same_origin(headers):
            return await send_json(send, 403, _error("requests from other web sites are refused"))
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.request_bytes):
            return await send_json(send, 413, _error(f"the request is larger than this server accepts "
                                                     f"({self.request_bytes:,} bytes)"))
        return await self.app(scope, self._counting(receive), self._with_headers(send))

    def _authorised(self, headers: dict[str, str]) -> bool:
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer ") and _same(auth[7:].strip(), self.token):
            return True
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # a malformed cookie header is just no cookie
            return False
        return COOKIE in cookie and _same(cookie[COOKIE].value, self.token)

    def _counting(self, receive):
        seen = 0
        limit = self.request_bytes

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise TooLarge(f"the request is larger than this server accepts ({limit:,} bytes)")
            return message

        return counted

    @staticmethod
    def _with_headers(send):
        async def sending(message):
            if message["type"] == "http.response.start":
                message = dict(message, headers=[*message.get("headers", []), *HEADERS])
            await send(message)

        return sending


#: what a browser without the token sees at / (both languages: the page's own switch is not loaded yet)
_TOKEN_FORM = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>访问口令 · Access token</title></head>
<body><main><h1>访问口令 · Access token</h1>
<p>本服务需要访问口令，请向管理员索取。<br><span lang="en">This server needs its access token; ask its administrator.</span></p>
<form method="get" action="/"><label for="token">口令 · Token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required>
<button type="submit">进入 · Enter</button></form></main></body></html>
""".encode()


async def _send_token_form(send) -> None:
    await send({"type": "http.response.start", "status": 401,
                "headers": [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(_TOKEN_FORM)).encode()),
                            (b"cache-control", b"no-store"), *HEADERS]})
    await send({"type": "http.response.body", "body": _TOKEN_FORM})


def _loopback_host(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    return name.lower() in ("localhost", "127.0.0.1", "[::1]") or name.startswith("127.")


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def _query_token(scope) -> str | None:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token")
    return values[0] if values else None


async def _redirect_with_cookie(scope, send, token: str) -> None:
    """``/?token=T`` sets the token as a cookie and reloads the address without it (so it does not
    stay in the address bar, the history or a copied link)."""
    query = {k: v for k, v in parse_qs(scope.get("query_string", b"").decode("latin-1")).items() if k != "token"}
    location = scope.get("path", "/") + (("?" + urlencode(query, doseq=True)) if query else "")
    cookie = f"{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict"
    await send({"type": "http.response.start", "status": 303,
                "headers": [(b"location", location.encode()), (b"set-cookie", cookie.encode()),
                            (b"content-length", b"0"), (b"cache-control", b"no-store"), *HEADERS]})
    await send({"type": "http.response.body", "body": b""})


def _same_origin(headers: dict[str, str]) -> bool:
    """A browser names the page that sent a write in Origin: it must be this server. Scripts
    (curl) send no Origin and are judged by the token alone."""
    origin = headers.get("origin")
    if origin is None:
        return True
    host = headers.get("host", "")
    return origin.split("://", 1)[-1].rstrip("/") == host
