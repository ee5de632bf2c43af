"""The aria2-compatible JSON-RPC endpoint, driven the way browser extensions and
AriaNg drive aria2, against the real worker and the fault server."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import http.client
import json
import os
import socket
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engine import protocol as p
from tests.engine.conftest import FAST, sha256
from tests.servers.payload import sha256_of
from tests.worker_client import WorkerProcess

SECRET = "s3cret-for-tests"
TOKEN = f"token:{SECRET}"
EXTENSION = "chrome-extension://cnhlidmdklmbkgdjdpfbmgmjmkcgjbpd"


class Rpc:
    def __init__(self, port: int) -> None:
        self.port = port
        self._id = 0

    def post(self, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, Any]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("POST", "/jsonrpc", body=body,
                         headers={"Content-Type": "application/json", **(headers or {})})
            response = conn.getresponse()
            data = response.read()
            return response.status, json.loads(data) if data else None
        finally:
            conn.close()

    def call(self, method: str, *params: Any, token: str | None = TOKEN,
             **envelope: Any) -> dict[str, Any]:
        self._id += 1
        request = {"jsonrpc": "2.0", "id": str(self._id), "method": method,
                   "params": ([token] if token is not None else []) + list(params), **envelope}
        status, answer = self.post(json.dumps(request).encode())
        assert status == 200
        return answer

    def result(self, method: str, *params: Any) -> Any:
        answer = self.call(method, *params)
        assert "error" not in answer, answer
        return answer["result"]


@pytest.fixture
def rpc_worker(home: Path) -> Iterator[tuple[WorkerProcess, Rpc]]:
    worker = WorkerProcess(home, settings=FAST)
    worker.send(p.SetRpc(enabled=True, port=0, secret=SECRET))
    status = worker.expect(p.RpcStatus)
    assert isinstance(status, p.RpcStatus) and status.enabled and status.secret == SECRET
    yield worker, Rpc(status.port)
    worker.close()


def test_add_uri_with_cookie_header_and_out_lands_the_file(rpc_worker, fault_server,
                                                           downloads) -> None:
    worker, rpc = rpc_worker
    fault_server.reset()
    url = fault_server.data_url(2 << 20, "server-name.bin")
    gid = rpc.result("aria2.addUri", [url], {
        "dir": str(downloads), "out": "chosen.bin", "split": "4",
        "header": ["Cookie: session=abc123", None, "User-Agent: Aria2Explorer/2",
                   "Referer: https://example.test/page"],
    })
    assert len(gid) == 16 and int(gid, 16) > 0
    worker.wait_state(int(gid, 16), p.State.COMPLETED, p.State.FAILED)
    assert sha256(downloads / "chosen.bin") == sha256_of(2 << 20)
    seen = fault_server.stats()["log"]
    assert all(r["cookie"] == "session=abc123" for r in seen)
    assert all(r["user_agent"] == "Aria2Explorer/2" for r in seen)
    assert all(r["referer"] == "https://example.test/page" for r in seen)
    status = rpc.result("aria2.tellStatus", gid)
    assert status["status"] == "complete"
    assert status["completedLength"] == status["totalLength"] == str(2 << 20)
    assert status["files"][0]["path"] == str(downloads / "chosen.bin")


def test_tell_active_waiting_stopped_as_ariang_asks(rpc_worker, fault_server,
                                                    downloads) -> None:
    worker, rpc = rpc_worker
    rpc.result("aria2.changeGlobalOption", {"max-concurrent-downloads": "1"})
    slow = rpc.result("aria2.addUri", [fault_server.data_url(4 << 20, "slow.bin",
                                                              throttle=1 << 20)],
                      {"dir": str(downloads)})
    waiting = [rpc.result("aria2.addUri", [fault_server.data_url(1000, f"w{i}.bin")],
                          {"dir": str(downloads)}) for i in range(3)]
    worker.wait_state(int(slow, 16), p.State.DOWNLOADING)
    keys = ["gid", "status", "totalLength", "completedLength", "downloadSpeed"]
    active = rpc.result("aria2.tellActive", keys)
    assert [a["gid"] for a in active] == [slow]
    assert set(active[0]) == set(keys) and active[0]["status"] == "active"
    assert all(isinstance(v, str) for v in active[0].values())
    assert [w["gid"] for w in rpc.result("aria2.tellWaiting", 0, 1000)] == waiting
    assert [w["gid"] for w in rpc.result("aria2.tellWaiting", -1, 2, ["gid"])] == [
        waiting[2], waiting[1]]
    assert rpc.result("aria2.changePosition", waiting[2], 0, "POS_SET") == 0
    assert rpc.result("aria2.tellWaiting", 0, 1, ["gid"])[0]["gid"] == waiting[2]
    rpc.result("aria2.changeGlobalOption", {"max-concurrent-downloads": "5"})
    for gid in waiting:
        worker.wait_state(int(gid, 16), p.State.COMPLETED)
    stopped = rpc.result("aria2.tellStopped", -1, 1000, ["gid", "status"])
    assert {s["gid"] for s in stopped} == set(waiting)
    assert all(s["status"] == "complete" for s in stopped)
    stat = rpc.result("aria2.getGlobalStat")
    assert stat["numActive"] == "1" and stat["numStopped"] == "3"


def test_multicall_and_batches_each_with_their_token(rpc_worker, fault_server,
                                                     downloads) -> None:
    worker, rpc = rpc_worker
    gids = [rpc.result("aria2.addUri", [fault_server.data_url(3 << 20, f"m{i}.bin",
                                                               throttle=1 << 20)],
                       {"dir": str(downloads)}) for i in range(2)]
    results = rpc.call("system.multicall", [  # no token of its own: each call has one
        {"methodName": "aria2.tellStatus", "params": [TOKEN, gids[0], ["status"]]},
        {"methodName": "aria2.getVersion", "params": [TOKEN]},
        {"methodName": "aria2.getVersion", "params": ["token:wrong"]},
    ], token=None)["result"]
    assert results[0][0]["status"] in ("active", "waiting")
    assert results[1][0]["version"]
    assert results[2] == {"code": 1, "message": "Unauthorized"}
    batch = [{"jsonrpc": "2.0", "id": i, "method": "aria2.forcePause", "params": [TOKEN, g]}
             for i, g in enumerate(gids)]
    status, answers = rpc.post(json.dumps(batch).encode())
    assert status == 200 and [a["result"] for a in answers] == gids
    for gid in gids:
        worker.wait_state(int(gid, 16), p.State.PAUSED)
    assert {s["status"] for s in rpc.result("aria2.tellWaiting", 0, 10, ["status"])} == {
        "paused"}
    rpc.result("aria2.unpauseAll")
    for gid in gids:
        worker.wait_state(int(gid, 16), p.State.COMPLETED)
        assert sha256(downloads / f"m{gids.index(gid)}.bin") == sha256_of(3 << 20)


def test_real_clients_quirks_are_tolerated(rpc_worker) -> None:
    _worker, rpc = rpc_worker
    for envelope in ({"jsonrpc": None}, {"jsonrpc": 2.0}, {"json-rpc": "2.0"}):
        body = {"id": "q", "method": "aria2.getVersion", "params": [TOKEN], **envelope}
        body = {k: v for k, v in body.items() if v is not None}
        status, answer = rpc.post(json.dumps(body).encode())
        assert status == 200 and answer["result"]["version"], envelope
    methods = rpc.call("system.listMethods", token=None)["result"]
    assert "aria2.addUri" in methods and "system.multicall" in methods
    notifications = rpc.call("system.listNotifications", token=None)["result"]
    assert "aria2.onDownloadComplete" in notifications
    answer = rpc.call("aria2.addTorrent", "base64torrent")
    assert "not supported" in answer["error"]["message"]


def _ws_connect(port: int, origin: str | None = None) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    key = base64.b64encode(os.urandom(16)).decode()
    lines = ["GET /jsonrpc HTTP/1.1", f"Host: 127.0.0.1:{port}", "Upgrade: websocket",
             "Connection: Upgrade", f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
    if origin:
        lines.append(f"Origin: {origin}")
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    assert head.startswith(b"HTTP/1.1 101"), head
    expected = base64.b64encode(hashlib.sha1(
        key.encode() + b"258EAFA5-E914-47DA-95CA-C5AB0DC11B85").digest())
    assert expected in head
    return sock


def _ws_send(sock: socket.socket, obj: Any) -> None:
    data = json.dumps(obj).encode()
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
    length = struct.pack("!BH", 0xFE, len(data)) if len(data) >= 126 else bytes(
        [0x80 | len(data)])
    sock.sendall(bytes([0x81]) + length + mask + masked)


def _ws_recv(sock: socket.socket) -> Any:
    def exactly(n: int) -> bytes:
        out = b""
        while len(out) < n:
            chunk = sock.recv(n - len(out))
            assert chunk, "connection closed"
            out += chunk
        return out

    first, second = exactly(2)
    length = second & 0x7F
    if length == 126:
        length = struct.unpack("!H", exactly(2))[0]
    elif length == 127:
        length = struct.unpack("!Q", exactly(8))[0]
    assert first & 0x0F == 1
    return json.loads(exactly(length))


def test_websocket_subscription_receives_on_download_complete(rpc_worker, fault_server,
                                                              downloads) -> None:
    worker, rpc = rpc_worker
    sock = _ws_connect(rpc.port, origin=EXTENSION)
    try:
        _ws_send(sock, {"jsonrpc": "2.0", "id": "ws1", "method": "aria2.addUri",
                        "params": [TOKEN, [fault_server.data_url(500_000, "ws.bin")],
                                   {"dir": str(downloads)}]})
        events: list[dict[str, Any]] = []
        gid = None
        while not any(e.get("method") == "aria2.onDownloadComplete" for e in events):
            message = _ws_recv(sock)
            if message.get("id") == "ws1":
                gid = message["result"]
            else:
                events.append(message)
    finally:
        sock.close()
    assert gid is not None
    started = [e for e in events if e["method"] == "aria2.onDownloadStart"]
    complete = [e for e in events if e["method"] == "aria2.onDownloadComplete"]
    assert started[0]["params"] == [{"gid": gid}] and "id" not in started[0]
    assert complete[0]["params"] == [{"gid": gid}]
    assert sha256(downloads / "ws.bin") == sha256_of(500_000)
    worker.wait_state(int(gid, 16), p.State.COMPLETED)


def test_refusals_and_the_endpoint_keeps_serving(rpc_worker) -> None:
    _worker, rpc = rpc_worker
    assert rpc.call("aria2.getVersion", token="token:wrong")["error"]["message"] == (
        "Unauthorized")
    assert rpc.call("aria2.getVersion", token=None)["error"]["message"] == "Unauthorized"
    status, answer = rpc.post(b'{"method": "aria2.getVersion", "params": ["%s"]}' %
                              TOKEN.encode(), headers={"Origin": "https://evil.example"})
    assert status == 403
    with socket.create_connection(("127.0.0.1", rpc.port), timeout=30) as sock:
        sock.sendall(b"POST /jsonrpc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                     b"\r\nContent-Length: %d\r\n\r\n" % (10 * 1024 * 1024))
        with contextlib.suppress(OSError):  # refused before the body: it may reset
            sock.sendall(b" " * (1024 * 1024))
        assert sock.recv(4096).startswith(b"HTTP/1.1 413")
    status, answer = rpc.post(b"{not json")
    assert status == 200 and answer["error"]["code"] == -32700
    status, answer = rpc.post(b'{"id": 1, "method": "aria2.getVersion"}',
                              headers={"Origin": EXTENSION})
    assert answer["error"]["message"] == "Unauthorized"
    assert rpc.result("aria2.getVersion")["version"]  # still serving


def test_downloads_added_over_rpc_appear_in_the_snapshot(home: Path, fault_server,
                                                         downloads: Path) -> None:
    worker = WorkerProcess(home, settings=FAST)
    worker.send(p.SetRpc(enabled=True, port=0, secret=SECRET))
    rpc = Rpc(worker.expect(p.RpcStatus).port)  # type: ignore[attr-defined]
    gid = rpc.result("aria2.addUri", [fault_server.data_url(1234, "x.bin")],
                     {"dir": str(downloads)})
    added = worker.expect(p.Added)
    assert isinstance(added, p.Added) and added.download.id == int(gid, 16)
    worker.wait_state(int(gid, 16), p.State.COMPLETED)
    worker.send(p.Pause(ids=(int(gid, 16),)))  # a finished one: nothing to pause
    assert rpc.result("aria2.tellStatus", gid, ["status"]) == {"status": "complete"}
    worker.close()
