"""Pairing the browser extension over the real worker's endpoint: only an
extension's origin, with a good, unspent, unexpired code, gets the secret.
(The whole one-click flow in a real Chromium is tests/browser/.)"""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine import protocol as p
from engine.pairing import CODE_LIFETIME, pairing_code, pairing_link
from tests.engine.conftest import FAST
from tests.worker_client import WorkerProcess

SECRET = "pairing-test-secret"
EXTENSION = "chrome-extension://cnhlidmdklmbkgdjdpfbmgmjmkcgjbpd"
LISTED_PAGE = "http://webui.example:8080"


@pytest.fixture
def port(home: Path) -> Iterator[int]:
    worker = WorkerProcess(home, settings=FAST)
    worker.send(p.SetRpc(enabled=True, port=0, secret=SECRET, origins=(LISTED_PAGE,)))
    status = worker.expect(p.RpcStatus)
    assert isinstance(status, p.RpcStatus) and status.enabled
    yield status.port
    worker.close()


def request(port: int, method: str, path: str, body: object = None,
            origin: str | None = None) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json"}
    if origin is not None:
        headers["Origin"] = origin
    try:
        conn.request(method, path, body=None if body is None else json.dumps(body),
                     headers=headers)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def pair(port: int, code: str, origin: str | None = EXTENSION) -> tuple[int, dict[str, str]]:
    status, _headers, body = request(port, "POST", "/pair", {"code": code}, origin)
    return status, json.loads(body)


def test_the_page_holds_no_secret_and_cannot_be_framed(port: int) -> None:
    link = pairing_link(port, SECRET)
    status, headers, body = request(port, "GET", link.removeprefix(f"http://127.0.0.1:{port}"))
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert b"greenget-pairing" in body and SECRET.encode() not in body
    assert headers["x-frame-options"] == "DENY"
    assert "default-src 'none'" in headers["content-security-policy"]


def test_an_extension_with_a_fresh_code_gets_the_secret_once(port: int) -> None:
    code = pairing_code(SECRET)
    status, answer = pair(port, code)
    assert (status, answer) == (200, {"secret": SECRET})
    status, answer = pair(port, code)
    assert status == 403 and "used already" in answer["error"]
    assert "secret" not in answer


@pytest.mark.parametrize("origin", [None, LISTED_PAGE, "https://evil.example",
                                    "null", "http://127.0.0.1:1234"])
def test_nothing_but_an_extension_may_pair(port: int, origin: str | None) -> None:
    status, _headers, body = request(port, "POST", "/pair", {"code": pairing_code(SECRET)},
                                     origin)
    assert status == 403
    assert SECRET.encode() not in body


def test_expired_forged_and_malformed_codes_are_refused_with_a_reason(port: int) -> None:
    expired = pairing_code(SECRET, now=time.time() - CODE_LIFETIME - 5)
    assert pair(port, expired) == (403, {
        "error": "This pairing link has expired: make a new one in Greenget's Settings."})
    other = pairing_code("another-secret")
    assert pair(port, other)[0] == 403
    nonce, expires, mac = pairing_code(SECRET).split(".")
    assert pair(port, f"{nonce}.{int(expires) + 3600}.{mac}")[0] == 403  # a longer life
    assert pair(port, "nonsense") == (403, {"error": "This is not a pairing code from Greenget."})
    status, _headers, body = request(port, "POST", "/pair", ["not", "an", "object"], EXTENSION)
    assert status == 400 and b"code" in body


def test_the_paired_secret_drives_json_rpc(port: int) -> None:
    _status, answer = pair(port, pairing_code(SECRET))
    call = {"jsonrpc": "2.0", "id": "1", "method": "aria2.getVersion",
            "params": [f"token:{answer['secret']}"]}
    status, _headers, body = request(port, "POST", "/jsonrpc", call, EXTENSION)
    assert status == 200 and "version" in json.loads(body)["result"]
