"""The call sequences of real aria2 clients, each replayed as its source sends it,
against Greenget and against aria2c itself: both must answer what the client's
code expects.

* AriaNg (mayswind/AriaNg ``src/scripts/services/aria2RpcService.js``,
  ``aria2HttpRpcService.js``, ``aria2WebSocketRpcService.js``): ``jsonrpc: "2.0"``,
  a string id, the token first except for ``system.`` methods, params left out
  when empty; POST, or GET with ``params`` as percent-encoded base64; any non-2xx
  is a failure and ``error.message == "Unauthorized"`` means a wrong secret.
* Aria2 Explorer (alexhua/Aria2-Explorer ``js/aria2.js``,
  ``js/background/DownloadManager.js``, ``MonitorManager.js``): numeric ids, an
  extension ``Origin``, ``addUri`` with Cookie/User-Agent headers, ``referer``,
  ``out`` and ``dir``, then ``changeGlobalOption``;
  the monitor polls ``getGlobalStat`` over a WebSocket.
* Aria2 Integration (RossWang/Aria2-Integration ``App/lib/tool.js``,
  ``App/common.js``, ``App/lib/worker.js``): over HTTP no ``jsonrpc`` member at
  all and ids from 0, ``out: ""``; a WebSocket opened only to hear
  notifications, then ``getFiles(gid)[0].path``, ``tellActive(["gid"])`` and, on
  an error, ``getUris(gid)[0].uri``.
* webui-aria2 (ziahamza/webui-aria2 ``src/js/services/rpc/rpc.js``,
  ``jsoncall.js``, ``ctrls/*.js``): everything in one ``system.multicall`` with
  ``jsonrpc: 2.0`` (a number) and ``id: "webui"``, the token in each inner call;
  a failed login is an inner ``{"code": 1, "message": "Unauthorized"}``.
"""

from __future__ import annotations

import base64
import json
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import websocket

from tests.engine.conftest import sha256
from tests.engine.rpc_client import SECRET, Rpc, rpc_worker, run_aria2c
from tests.servers.payload import sha256_of

TOKEN = f"token:{SECRET}"
EXPLORER = "chrome-extension://mpkodccbngfoacfalldjimigbofkhgjn"  # Aria2 Explorer's id
INTEGRATION = "moz-extension://1d3ab1f4-0c7e-4f39-9a46-0f7d7b1c3c55"
BASIC_KEYS = ["gid", "totalLength", "completedLength", "uploadSpeed", "downloadSpeed",
              "connections", "numSeeders", "seeder", "status", "errorCode", "verifiedLength",
              "verifyIntegrityPending"]  # AriaNg's getBasicTaskParams
FULL_KEYS = [*BASIC_KEYS, "files", "bittorrent", "infoHash"]


@pytest.fixture(params=["greenget", "aria2c"])
def server(request: pytest.FixtureRequest, home: Path, tmp_path: Path) -> Iterator[Rpc]:
    if request.param == "greenget":
        with rpc_worker(home) as (_worker, rpc):
            yield rpc
    else:
        if shutil.which("aria2c") is None:
            pytest.skip("aria2c is not installed (apt-get install aria2)")
        with run_aria2c(tmp_path / "aria2c-default") as rpc:
            yield rpc


@dataclass
class Answer:
    status: int
    body: Any

    @property
    def ok(self) -> bool:  # what $http, fetch().ok and jQuery call success
        return 200 <= self.status < 300


def wait_for(probe: Callable[[], Any], what: str, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


# ------------------------------------------------------------------ AriaNg


class AriaNg:
    def __init__(self, rpc: Rpc, secret: str = SECRET, method: str = "POST") -> None:
        self.rpc, self.secret, self.method = rpc, secret, method

    def __call__(self, name: str, *params: Any) -> Answer:
        system = name.startswith("system.")
        final = ([] if system or not self.secret else [f"token:{self.secret}"]) + [
            p for p in params if p is not None]
        body: dict[str, Any] = {"jsonrpc": "2.0", "method": name if system else f"aria2.{name}",
                                "id": uuid.uuid4().hex}
        if final:
            body["params"] = final
        if self.method == "POST":
            status, _headers, data = self.rpc.request(
                "POST", body=json.dumps(body).encode(),
                headers={"Content-Type": "application/json"})
        else:  # getUrlWithQueryString: objects and arrays as encodeURIComponent(base64(JSON))
            query = "&".join(
                f"{k}=" + (quote(base64.b64encode(json.dumps(v).encode()).decode(), safe="")
                           if isinstance(v, list | dict) else str(v)) for k, v in body.items())
            status, _headers, data = self.rpc.request("GET", f"/jsonrpc?{query}")
        answer = Answer(status, json.loads(data))
        assert answer.body["id"] == body["id"]
        return answer

    def result(self, name: str, *params: Any) -> Any:
        answer = self(name, *params)
        assert answer.ok and "result" in answer.body, (name, answer)
        return answer.body["result"]


@pytest.mark.parametrize("http_method", ["POST", "GET"])
def test_ariang(server: Rpc, http_method: str, fault_server, tmp_path: Path) -> None:
    ng = AriaNg(server, method=http_method)
    assert ng.result("getVersion")["version"]
    refused = AriaNg(server, secret="wrong", method=http_method)("getVersion")
    assert not refused.ok and refused.body["error"]["message"] == "Unauthorized"
    assert "aria2.addUri" in ng.result("system.listMethods")

    folder = tmp_path / f"ariang-{http_method}"
    url = fault_server.data_url(300_000, "ariang.bin")
    gid = ng.result("addUri", [url], {"dir": str(folder), "out": "ariang.bin", "split": "4",
                                      "max-connection-per-server": "4", "pause": "true"})
    stat = ng.result("getGlobalStat")
    assert {"downloadSpeed", "numActive", "numWaiting", "numStopped"} <= set(stat)
    assert ng.result("tellActive", BASIC_KEYS) == []
    waiting = ng.result("tellWaiting", 0, 1000, BASIC_KEYS)
    assert [(w["gid"], w["status"]) for w in waiting] == [(gid, "paused")]
    task = ng.result("tellStatus", gid)  # AriaNg names the task from files[0].path
    assert task["files"][0]["path"] == str(folder / "ariang.bin")
    assert isinstance(ng.result("getOption", gid), dict)
    assert ng.result("changeOption", gid, {"max-download-limit": "1M"}) == "OK"
    assert ng.result("changePosition", gid, 0, "POS_SET") == 0
    assert ng.result("unpause", gid) == gid
    wait_for(lambda: ng.result("tellStatus", gid, ["status"])["status"] == "complete",
             "the download to complete")
    stopped = ng.result("tellStopped", -1, 1000, FULL_KEYS)
    assert [(s["gid"], s["status"]) for s in stopped] == [(gid, "complete")]
    assert sha256(folder / "ariang.bin") == sha256_of(300_000)
    assert "dir" in ng.result("getGlobalOption")
    assert ng.result("changeGlobalOption", {"max-concurrent-downloads": "3"}) == "OK"
    assert ng.result("getGlobalOption")["max-concurrent-downloads"] == "3"
    assert ng.result("getSessionInfo")["sessionId"]
    assert ng.result("saveSession") == "OK"
    assert ng.result("removeDownloadResult", gid) == "OK"
    assert ng.result("purgeDownloadResult") == "OK"
    assert ng.result("tellStopped", -1, 1000, BASIC_KEYS) == []
    failed = ng("forcePause", "0123456789abcdef")  # a failed action must not look done
    assert not failed.ok and failed.body["error"]["code"] == 1


def test_ariang_over_websocket(server: Rpc, fault_server, tmp_path: Path) -> None:
    ws = websocket.create_connection(server.url.replace("http", "ws"), timeout=30)
    try:
        def send(name: str, *params: Any) -> str:
            call_id = uuid.uuid4().hex
            ws.send(json.dumps({"jsonrpc": "2.0", "method": name, "id": call_id,
                                "params": [TOKEN, *params]}))
            return call_id

        version_id = send("aria2.getVersion")
        add_id = send("aria2.addUri", [fault_server.data_url(200_000, "ng-ws.bin")],
                      {"dir": str(tmp_path / "ng-ws")})
        answers: dict[str, Any] = {}
        events: list[tuple[str, str]] = []
        while ("aria2.onDownloadComplete", answers.get(add_id)) not in events:
            message = json.loads(ws.recv())
            if "id" in message:
                answers[message["id"]] = message["result"]
            else:
                events.append((message["method"], message["params"][0]["gid"]))
    finally:
        ws.close()
    assert answers[version_id]["version"]
    assert events == [("aria2.onDownloadStart", answers[add_id]),
                      ("aria2.onDownloadComplete", answers[add_id])]


# ------------------------------------------------------------------ Aria2 Explorer


class Explorer:
    request_id = 0

    def __init__(self, rpc: Rpc, secret: str = SECRET) -> None:
        self.rpc, self.secret = rpc, secret

    def payload(self, method: str, *params: Any) -> tuple[int, str]:
        Explorer.request_id += 1
        final = ([f"token:{self.secret}"] if self.secret else []) + list(params)
        return Explorer.request_id, json.dumps(
            {"jsonrpc": "2.0", "method": method, "id": Explorer.request_id, "params": final})

    def fetch(self, method: str, *params: Any) -> dict[str, Any]:
        call_id, body = self.payload(method, *params)
        _status, _headers, data = self.rpc.request("POST", body=body.encode(), headers={
            "Accept": "application/json", "Content-Type": "application/json",
            "Origin": EXPLORER})
        response = json.loads(data)  # fetch(...).json(), whatever the status
        assert response["id"] == call_id
        return response


def test_aria2_explorer(server: Rpc, fault_server, tmp_path: Path) -> None:
    explorer = Explorer(server)
    wrong = Explorer(server, "wrong").fetch("aria2.getGlobalStat")
    assert "unauthorized" in wrong["error"]["message"].lower()  # "Secret key is incorrect"

    fault_server.reset()
    folder = tmp_path / "explorer"
    url = fault_server.data_url(400_000, "server-name.bin")
    response = explorer.fetch("aria2.addUri", [url], {
        "header": ["Cookie: sid=42; lang=en", "User-Agent: Mozilla/5.0 Explorer"],
        "referer": "https://site.example/page", "out": "explorer.bin", "dir": str(folder)})
    assert not response.get("error"), response
    gid = response["result"]
    assert explorer.fetch("aria2.changeGlobalOption", {"max-concurrent-downloads": "4"})[
        "result"] == "OK"

    ws = websocket.create_connection(server.url.replace("http", "ws"), timeout=30,
                                     origin=EXPLORER)
    try:  # the monitor: getGlobalStat over the socket, numbers as strings
        call_id, body = explorer.payload("aria2.getGlobalStat")
        ws.send(body)
        stat = wait_for(lambda: (lambda m: m if m.get("id") == call_id else None)(
            json.loads(ws.recv())), "the monitor's answer")["result"]
        for key in ("numActive", "numStopped", "numWaiting", "uploadSpeed", "downloadSpeed"):
            assert stat[key].isdigit(), key
    finally:
        ws.close()
    done = wait_for(lambda: (lambda r: r if r["status"] == "complete" else None)(
        explorer.fetch("aria2.tellStatus", gid, ["status", "files"])["result"]),
        "the download to complete")
    assert done["files"][0]["path"] == str(folder / "explorer.bin")
    assert sha256(folder / "explorer.bin") == sha256_of(400_000)
    seen = [r for r in fault_server.stats()["log"] if "server-name.bin" in r["path"]]
    assert seen and all(r["cookie"] == "sid=42; lang=en" for r in seen)
    assert all(r["user_agent"] == "Mozilla/5.0 Explorer" for r in seen)
    assert all(r["referer"] == "https://site.example/page" for r in seen)


# ------------------------------------------------------------------ Aria2 Integration


class Integration:
    """App/lib/tool.js: over HTTP only method, id and params are sent."""

    def __init__(self, rpc: Rpc) -> None:
        self.rpc, self.last_id = rpc, 0

    def __call__(self, method: str, *params: Any) -> Any:
        content: dict[str, Any] = {"method": f"aria2.{method}", "id": self.last_id}
        self.last_id += 1
        final = [TOKEN, *params]
        if final:
            content["params"] = final
        _status, _headers, data = self.rpc.request("POST", body=json.dumps(content).encode(),
                                                   headers={"Accept": "application/json",
                                                            "Content-Type": "application/json",
                                                            "Origin": INTEGRATION})
        message = json.loads(data)
        assert message["id"] == content["id"]
        assert "error" not in message, message  # the callback gets (err) otherwise
        return message["result"]


def test_aria2_integration(server: Rpc, fault_server, tmp_path: Path) -> None:
    aria2 = Integration(server)
    assert aria2("getVersion")["version"]  # isRunning
    stat = aria2("getGlobalStat", [], {})  # surplus parameters, as the issue saw it sent
    assert "numActive" in stat
    ws = websocket.create_connection(server.url.replace("http", "ws"), timeout=30,
                                     origin=INTEGRATION)
    try:
        folder = tmp_path / "integration"
        good = aria2("addUri", [fault_server.data_url(150_000, "integration.bin")], {
            "header": ["Referer: https://site.example/\"", "Cookie: a=1; "],
            "out": "", "dir": str(folder)})  # out "" from the context menu
        bad = aria2("addUri", [fault_server.url("/no/such/file.bin")], {
            "header": [], "out": "missing.bin", "dir": str(folder)})
        heard: dict[str, str] = {}
        while not {"onDownloadComplete", "onDownloadError"} <= set(heard):
            message = json.loads(ws.recv())
            name = message["method"].split("aria2.")[1]
            heard.setdefault(name, message["params"][0]["gid"])
    finally:
        ws.close()
    assert heard["onDownloadComplete"] == good and heard["onDownloadError"] == bad
    assert aria2("getFiles", good)[0]["path"] == str(folder / "integration.bin")
    if server.name == "aria2c":  # aria2 keeps no URIs for a stopped download; Greenget does
        with pytest.raises(AssertionError, match="No URI data"):
            aria2("getUris", bad)
    else:
        assert aria2("getUris", bad)[0]["uri"] == fault_server.url("/no/such/file.bin")
    assert aria2("tellActive", ["gid"]) == []  # the badge: nothing left running
    assert sha256(folder / "integration.bin") == sha256_of(150_000)


# ------------------------------------------------------------------ webui-aria2


def webui(rpc: Rpc, calls: list[tuple[str, list[Any]]], token: str = TOKEN) -> list[Any]:
    """One update: every subscription as an inner call of one system.multicall."""
    params = [{"methodName": f"aria2.{name}", "params": [token, *p]} for name, p in calls]
    status, answer = rpc.post(json.dumps({"jsonrpc": 2.0, "id": "webui",
                                          "method": "system.multicall",
                                          "params": [params]}).encode())
    assert status == 200 and answer["id"] == "webui"  # jQuery's success callback
    return answer["result"]


def test_webui_aria2(server: Rpc, fault_server, tmp_path: Path) -> None:
    failed = webui(server, [("tellActive", []), ("getGlobalStat", [])], token="token:bad")
    assert any(d.get("code") and d["message"] == "Unauthorized" for d in failed)

    folder = tmp_path / "webui"
    [[gid]] = webui(server, [("addUri", [[fault_server.data_url(2 << 20, "webui.bin",
                                                                throttle=256 << 10)],
                                         {"dir": str(folder)}])])
    [[version], [active], [waiting], [stopped], [stat]] = webui(server, [
        ("getVersion", []), ("tellActive", []), ("tellWaiting", [0, 1000]),
        ("tellStopped", [0, 1000]), ("getGlobalStat", [])])
    assert version["version"] and int(stat["numActive"]) + int(stat["numWaiting"]) == 1
    assert [t["gid"] for t in active + waiting] == [gid] and stopped == []
    [[paused]] = webui(server, [("forcePause", [gid])])
    assert paused == gid
    [[options], [files]] = webui(server, [("getOption", [gid]), ("getFiles", [gid])])
    assert "dir" in options and files[0]["path"] == str(folder / "webui.bin")
    [[changed], [moved]] = webui(server, [("changeOption", [gid, {"max-download-limit": "0"}]),
                                          ("changePosition", [gid, -1, "POS_CUR"])])
    assert changed == "OK" and moved == 0
    [[global_options]] = webui(server, [("getGlobalOption", [])])
    assert "max-concurrent-downloads" in global_options
    [[ok]] = webui(server, [("changeGlobalOption", [{"max-concurrent-downloads": "2"}])])
    assert ok == "OK"
    [[unpaused]] = webui(server, [("unpause", [gid])])
    assert unpaused == gid
    wait_for(lambda: webui(server, [("tellStatus", [gid, ["status"]])])[0][0]["status"]
             == "complete", "the download to complete")
    assert sorted(p.name for p in folder.iterdir()) == ["webui.bin"]
    [[purged]] = webui(server, [("purgeDownloadResult", [])])
    assert purged == "OK"
    assert sorted(p.name for p in folder.iterdir()) == ["webui.bin"]  # purging keeps files
    assert sha256(folder / "webui.bin") == sha256_of(2 << 20)
