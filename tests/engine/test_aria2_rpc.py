"""The aria2-compatible JSON-RPC endpoint against the real worker and the fault
server: what aria2 answers (HTTP statuses, GET and JSONP, options that take
effect or are refused, final paths, Origin and CORS), each checked from the
outside; the WebSocket through ``websocket-client``, an independent implementation."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import websocket  # websocket-client

from engine import protocol as p
from tests.engine.conftest import sha256
from tests.engine.rpc_client import EXTENSION, TOKEN, Rpc, rpc_worker
from tests.servers.payload import sha256_of
from tests.worker_client import WorkerProcess

PAGE = "http://localhost:6880"  # AriaNg served as a page


@pytest.fixture
def endpoint(home: Path) -> Iterator[tuple[WorkerProcess, Rpc]]:
    with rpc_worker(home, origins=(PAGE + "/",)) as started:
        yield started


def test_add_uri_with_headers_referer_and_out_lands_the_file(endpoint, fault_server,
                                                            downloads) -> None:
    worker, rpc = endpoint
    fault_server.reset()
    url = fault_server.data_url(2 << 20, "server-name.bin")
    gid = rpc.result("aria2.addUri", [url], {  # as Aria2 Explorer builds it
        "dir": str(downloads), "out": "chosen.bin", "split": "4",
        "header": ["Cookie: session=abc123", None, "User-Agent: Aria2Explorer/2"],
        "referer": "https://example.test/page",
    })
    assert len(gid) == 16 and int(gid, 16) > 0
    worker.wait_state(int(gid, 16), p.State.COMPLETED, p.State.FAILED)
    assert sha256(downloads / "chosen.bin") == sha256_of(2 << 20)
    seen = fault_server.stats()["log"]
    assert seen and all(r["cookie"] == "session=abc123" for r in seen)
    assert all(r["user_agent"] == "Aria2Explorer/2" for r in seen)
    assert all(r["referer"] == "https://example.test/page" for r in seen)
    status = rpc.result("aria2.tellStatus", gid)
    assert status["status"] == "complete"
    assert status["completedLength"] == status["totalLength"] == str(2 << 20)
    assert status["files"][0]["path"] == str(downloads / "chosen.bin")


def test_referer_star_is_the_uri_itself(endpoint, fault_server, downloads) -> None:
    worker, rpc = endpoint
    fault_server.reset()
    url = fault_server.data_url(1000, "star.bin")
    gid = rpc.result("aria2.addUri", [url], {"dir": str(downloads), "referer": "*"})
    worker.wait_state(int(gid, 16), p.State.COMPLETED)
    assert {r["referer"] for r in fault_server.stats()["log"]} == {url}


def test_files_path_is_the_final_path_while_downloading(endpoint, fault_server,
                                                       downloads) -> None:
    worker, rpc = endpoint
    gid = rpc.result("aria2.addUri", [fault_server.data_url(4 << 20, "movie.mkv",
                                                             throttle=1 << 20)],
                     {"dir": str(downloads)})
    worker.wait_state(int(gid, 16), p.State.DOWNLOADING)
    worker.wait_until(lambda: any(downloads.iterdir()), 30, "a file on disk")
    on_disk = [f.name for f in downloads.iterdir()]
    status = rpc.result("aria2.tellStatus", gid, ["status", "files"])
    assert status["status"] == "active"
    assert status["files"][0]["path"] == str(downloads / "movie.mkv")
    assert "movie.mkv" not in on_disk  # still the .part there: the path is where it will be
    assert rpc.result("aria2.getFiles", gid)[0]["path"] == str(downloads / "movie.mkv")
    rpc.result("aria2.forceRemove", gid)


def test_tell_active_waiting_stopped_as_ariang_asks(endpoint, fault_server,
                                                    downloads) -> None:
    worker, rpc = endpoint
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


def test_change_global_option_takes_effect_or_is_refused(endpoint, fault_server,
                                                         downloads, tmp_path) -> None:
    worker, rpc = endpoint
    elsewhere = tmp_path / "elsewhere"
    assert rpc.result("aria2.changeGlobalOption", {
        "dir": str(elsewhere), "max-overall-download-limit": "2M", "split": "3",
        "max-connection-per-server": "3", "max-download-limit": "500K"}) == "OK"
    options = rpc.result("aria2.getGlobalOption")
    worker.wait_until(lambda: any(isinstance(m, p.OptionsChanged) for m in worker.seen), 30,
                      "options_changed")  # so the window follows
    told = [m for m in worker.seen if isinstance(m, p.OptionsChanged)]
    assert told[-1] == p.OptionsChanged(directory=str(elsewhere), max_active=3, connections=3,
                                        speed_limit=2 << 20, download_limit=500 << 10)
    assert options["dir"] == str(elsewhere)
    assert options["max-overall-download-limit"] == str(2 << 20)
    assert options["split"] == options["max-connection-per-server"] == "3"
    assert options["max-download-limit"] == str(500 << 10)
    gid = rpc.result("aria2.addUri", [fault_server.data_url(1000, "to-new-dir.bin")])
    worker.wait_state(int(gid, 16), p.State.COMPLETED)
    assert sha256(elsewhere / "to-new-dir.bin") == sha256_of(1000)
    assert not (downloads / "to-new-dir.bin").exists()
    added = rpc.result("aria2.getOption", gid)
    assert added["dir"] == str(elsewhere) and added["max-download-limit"] == str(500 << 10)
    assert added["split"] == "3"

    for refused in ({"bt-max-peers": "10"}, {"dir": "relative/folder"},
                    {"split": "64"}, {"max-concurrent-downloads": "none"},
                    {"max-concurrent-downloads": "2", "user-agent": "x"}):
        status, message = rpc.error("aria2.changeGlobalOption", refused)
        assert status == 400 and message, refused
    assert "user-agent" in rpc.error("aria2.changeGlobalOption", {"user-agent": "x"})[1]
    assert rpc.result("aria2.getGlobalOption") == options  # nothing half-applied
    status, message = rpc.error("aria2.changeOption", gid, {"select-file": "1"})
    assert status == 400 and "select-file" in message


def test_multicall_and_batches_each_with_their_token(endpoint, fault_server,
                                                     downloads) -> None:
    worker, rpc = endpoint
    gids = [rpc.result("aria2.addUri", [fault_server.data_url(2 << 20, f"m{i}.bin",
                                                               throttle=256 << 10)],
                       {"dir": str(downloads)}) for i in range(2)]  # 8 s each: time to pause
    status, answer = rpc.call("system.multicall", [  # no token of its own: each call has one
        {"methodName": "aria2.tellStatus", "params": [TOKEN, gids[0], ["status"]]},
        {"methodName": "aria2.getVersion", "params": [TOKEN]},
        {"methodName": "aria2.getVersion", "params": ["token:wrong"]},
        {"methodName": "system.multicall", "params": [[]]},
        "not a call",
    ], token=None)
    results = answer["result"]
    assert status == 200
    assert results[0][0]["status"] in ("active", "waiting")
    assert results[1][0]["version"]
    assert results[2] == {"code": 1, "message": "Unauthorized"}
    assert results[3]["code"] == 1 and results[4]["code"] == 1
    batch = [{"jsonrpc": "2.0", "id": i, "method": "aria2.forcePause", "params": [TOKEN, g]}
             for i, g in enumerate(gids)]
    status, answers = rpc.post(json.dumps([*batch, 42]).encode())  # aria2 drops the 42
    assert status == 200 and [a["result"] for a in answers] == gids
    for gid in gids:
        worker.wait_state(int(gid, 16), p.State.PAUSED)
    assert {s["status"] for s in rpc.result("aria2.tellWaiting", 0, 10, ["status"])} == {
        "paused"}
    rpc.result("aria2.unpauseAll")
    for gid in gids:
        worker.wait_state(int(gid, 16), p.State.COMPLETED)
        assert sha256(downloads / f"m{gids.index(gid)}.bin") == sha256_of(2 << 20)


def test_http_status_codes_are_aria2s(endpoint) -> None:
    """aria2's HttpServerBodyCommand.cc: code 1 and -32600 are 400, -32601 404,
    anything else 500, a batch 200; a wrong secret is answered a second late."""
    _worker, rpc = endpoint
    started = time.monotonic()
    assert rpc.error("aria2.getVersion", token="token:wrong") == (400, "Unauthorized")
    assert time.monotonic() - started >= 0.9
    assert rpc.error("aria2.getVersion", token=None) == (400, "Unauthorized")
    assert rpc.error("aria2.noSuchThing") == (400, "No such method: aria2.noSuchThing")
    assert rpc.error("aria2.noSuchThing", token=None) == (400, "Unauthorized")
    assert rpc.error("aria2.tellStatus", "0123456789abcdef")[0] == 400
    assert rpc.error("aria2.tellStatus")[1] == "The parameter at 0 is required but missing."
    status, answer = rpc.post(b"{not json")
    assert status == 500 and answer == {"id": None, "jsonrpc": "2.0", "error": {
        "code": -32700, "message": "Parse error."}}
    status, answer = rpc.post(b'{"method": "aria2.getVersion", "params": []}')  # no id
    assert status == 400 and answer["error"]["code"] == -32600
    status, answer = rpc.post(b'{"id": 7, "method": "aria2.getVersion", "params": {}}')
    assert status == 500 and answer["error"]["code"] == -32602 and answer["id"] == 7
    status, answer = rpc.post(b'[{"id": 1, "method": "aria2.getVersion", "params": ["x"]}]')
    assert status == 200 and answer[0]["error"]["message"] == "Unauthorized"
    assert rpc.request("POST", "/rpc", b"{}")[0] == 404
    assert rpc.request("PUT", "/jsonrpc", b"{}")[0] == 404


def test_surplus_parameters_are_ignored_as_aria2_does(endpoint) -> None:
    _worker, rpc = endpoint
    stat = rpc.result("aria2.getGlobalStat", [], {})  # Aria2 Integration's call
    assert set(stat) >= {"downloadSpeed", "numActive", "numWaiting", "numStopped"}
    assert rpc.result("aria2.getVersion", "surplus")["version"]
    assert rpc.result("aria2.tellActive", ["gid"], "surplus", 3) == []


def test_get_with_base64_params_and_jsonp(endpoint) -> None:
    """AriaNg's "HTTP method: GET" builds ``?jsonrpc=2.0&method=..&id=..&params=``
    with the params as percent-encoded base64 JSON."""
    _worker, rpc = endpoint

    def query(method: str, params: list[Any], **extra: str) -> str:
        encoded = quote(base64.b64encode(json.dumps(params).encode()).decode(), safe="")
        tail = "".join(f"&{k}={v}" for k, v in extra.items())
        return f"/jsonrpc?jsonrpc=2.0&method={method}&id=ng1&params={encoded}{tail}"

    status, headers, body = rpc.request("GET", query("aria2.getVersion", [TOKEN]))
    assert status == 200 and headers["content-type"].startswith("application/json")
    answer = json.loads(body)
    assert answer["id"] == "ng1" and answer["result"]["version"]
    status, headers, body = rpc.request("GET", query("aria2.getVersion", ["token:bad"]))
    assert status == 400 and json.loads(body)["error"]["message"] == "Unauthorized"
    status, headers, body = rpc.request(
        "GET", query("aria2.getGlobalStat", [TOKEN], jsoncallback="cb_1"))
    assert status == 200 and headers["content-type"] == "text/javascript"
    assert body.startswith(b"cb_1({") and body.endswith(b"})")
    assert json.loads(body[5:-1])["result"]["numActive"] == "0"
    batch = [{"jsonrpc": "2.0", "id": "b", "method": "aria2.getVersion", "params": [TOKEN]}]
    encoded = quote(base64.b64encode(json.dumps(batch).encode()).decode(), safe="")
    status, _headers, body = rpc.request("GET", f"/jsonrpc?params={encoded}")
    assert status == 200 and json.loads(body)[0]["result"]["version"]
    status, _headers, body = rpc.request(  # a callback that is not a name is not echoed
        "GET", query("aria2.getVersion", [TOKEN], jsoncallback="alert(1)//"))
    assert status == 200 and json.loads(body)["result"]


def test_listed_origins_are_allowed_with_cors_and_others_refused(endpoint) -> None:
    _worker, rpc = endpoint
    status, headers, _body = rpc.request("OPTIONS", "/jsonrpc", headers={
        "Origin": PAGE, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert status == 200
    assert headers["access-control-allow-origin"] == PAGE
    assert "POST" in headers["access-control-allow-methods"]
    assert headers["access-control-allow-headers"] == "content-type"
    status, headers, body = rpc.request(
        "POST", body=json.dumps({"id": 1, "method": "aria2.getVersion",
                                 "params": [TOKEN]}).encode(),
        headers={"Origin": PAGE, "Content-Type": "application/json"})
    assert status == 200 and headers["access-control-allow-origin"] == PAGE
    assert json.loads(body)["result"]["version"]
    for origin in ("https://evil.example", "http://localhost:6881", "null"):
        status, headers, _body = rpc.request("OPTIONS", "/jsonrpc", headers={
            "Origin": origin, "Access-Control-Request-Method": "POST"})
        assert status == 403 and "access-control-allow-origin" not in headers, origin
        status, _answer = rpc.post(b'{"id": 1, "method": "aria2.getVersion", "params": []}',
                                   headers={"Origin": origin})
        assert status == 403, origin
    for extension in (EXTENSION, "moz-extension://0b5ef0d1-4f54-4b40-8a56-7bd17c0b1b3e"):
        status, headers, _body = rpc.request(
            "POST", body=json.dumps({"id": 1, "method": "aria2.getVersion",
                                     "params": [TOKEN]}).encode(),
            headers={"Origin": extension, "Content-Type": "application/json"})
        assert status == 200 and headers["access-control-allow-origin"] == extension
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(rpc.url.replace("http", "ws"), timeout=30,
                                    origin="https://evil.example")
    assert refused.value.status_code == 403


def test_a_huge_body_is_refused_before_it_is_read(endpoint) -> None:
    _worker, rpc = endpoint
    with socket.create_connection(("127.0.0.1", rpc.port), timeout=30) as sock:
        sock.sendall(b"POST /jsonrpc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                     b"\r\nContent-Length: %d\r\n\r\n" % (10 * 1024 * 1024))
        with contextlib.suppress(OSError):  # refused before the body: it may reset
            sock.sendall(b" " * (1024 * 1024))
        assert sock.recv(4096).startswith(b"HTTP/1.1 413")
    assert rpc.result("aria2.getVersion")["version"]  # still serving


def test_websocket_client_gets_answers_and_notifications(endpoint, fault_server,
                                                         downloads) -> None:
    """websocket-client checks Sec-WebSocket-Accept itself (RFC 6455)."""
    worker, rpc = endpoint
    ws = websocket.create_connection(rpc.url.replace("http", "ws"), timeout=30,
                                     origin=EXTENSION)
    try:
        ws.send(json.dumps({"jsonrpc": "2.0", "id": "ws1", "method": "aria2.addUri",
                            "params": [TOKEN, [fault_server.data_url(500_000, "ws.bin")],
                                       {"dir": str(downloads)}]}))
        events: list[dict[str, Any]] = []
        gid = None
        while not any(e.get("method") == "aria2.onDownloadComplete" for e in events):
            message = json.loads(ws.recv())
            if message.get("id") == "ws1":
                gid = message["result"]
            else:
                events.append(message)
        ws.ping(b"still there?")
        ws.send(json.dumps([{"jsonrpc": "2.0", "id": 1, "method": "aria2.tellStatus",
                             "params": [TOKEN, gid, ["status"]]}]))
        assert json.loads(ws.recv())[0]["result"] == {"status": "complete"}
        ws.send("x" * (2 << 20))  # over the cap: closed with 1009, not a crash
        with contextlib.suppress(websocket.WebSocketConnectionClosedException, OSError):
            assert ws.recv() == ""  # the close frame (1009), or a reset after it
    finally:
        ws.close()
    assert gid is not None
    started = [e for e in events if e["method"] == "aria2.onDownloadStart"]
    complete = [e for e in events if e["method"] == "aria2.onDownloadComplete"]
    assert started[0]["params"] == [{"gid": gid}] and "id" not in started[0]
    assert complete[0]["params"] == [{"gid": gid}]
    assert sha256(downloads / "ws.bin") == sha256_of(500_000)
    worker.wait_state(int(gid, 16), p.State.COMPLETED)
    assert rpc.result("aria2.getVersion")["version"]  # still serving


def test_a_bad_websocket_handshake_is_refused(endpoint) -> None:
    _worker, rpc = endpoint
    key = base64.b64encode(os.urandom(16)).decode()
    status, headers, _body = rpc.request("GET", "/jsonrpc", headers={
        "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Key": key,
        "Sec-WebSocket-Version": "8"})
    assert status == 426 and headers["sec-websocket-version"] == "13"
    assert rpc.result("aria2.getVersion")["version"]


def test_real_clients_quirks_are_tolerated(endpoint) -> None:
    _worker, rpc = endpoint
    for envelope in ({"jsonrpc": None}, {"jsonrpc": 2.0}, {"json-rpc": "2.0"}):
        body = {"id": "q", "method": "aria2.getVersion", "params": [TOKEN], **envelope}
        body = {k: v for k, v in body.items() if v is not None}
        status, answer = rpc.post(json.dumps(body).encode())
        assert status == 200 and answer["result"]["version"], envelope
    status, answer = rpc.call("system.listMethods", token=None)
    assert status == 200 and "aria2.addUri" in answer["result"]
    assert "aria2.onDownloadComplete" in rpc.call("system.listNotifications",
                                                  token=None)[1]["result"]
    status, message = rpc.error("aria2.addTorrent", "base64torrent")
    assert status == 400 and "not supported" in message
    # Aria2 Integration sends an empty "out" from its context menu; null options
    # are refused, as aria2 refuses them.
    assert len(rpc.result("aria2.addUri", ["http://127.0.0.1:9/y.bin"], {"out": ""})) == 16
    assert rpc.error("aria2.addUri", ["http://127.0.0.1:9/x.bin"], None) == (
        400, "The parameter at 1 has wrong type.")
    assert rpc.error("aria2.addUri", [])[1] == "URI is not provided."


def test_downloads_added_over_rpc_appear_in_the_snapshot(endpoint, fault_server,
                                                         downloads: Path) -> None:
    worker, rpc = endpoint
    gid = rpc.result("aria2.addUri", [fault_server.data_url(1234, "x.bin")],
                     {"dir": str(downloads)})
    worker.wait_until(lambda: int(gid, 16) in worker.downloads, 30, "the added download")
    worker.wait_state(int(gid, 16), p.State.COMPLETED)
    worker.send(p.Pause(ids=(int(gid, 16),)))  # a finished one: nothing to pause
    assert rpc.result("aria2.tellStatus", gid, ["status"]) == {"status": "complete"}
