"""The same calls to aria2c itself and to Greenget: the answers must have the
same HTTP status, the same success or error code and the same shape (Greenget's
keys a subset of aria2c's, with the same types).  GIDs, versions and timings
differ and are not compared; where Greenget's answer is a value it can know
(a final path, an option read back), the value is compared too."""

from __future__ import annotations

import base64
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import websocket

from tests.engine.rpc_client import SECRET, Rpc, rpc_worker, run_aria2c

pytestmark = pytest.mark.skipif(shutil.which("aria2c") is None,
                                reason="aria2c is not installed (apt-get install aria2)")


@pytest.fixture
def aria2c(tmp_path: Path) -> Iterator[Rpc]:
    with run_aria2c(tmp_path / "aria2c") as rpc:
        yield rpc


@dataclass
class Pair:
    """Greenget and aria2c, with each one's GID for the same download."""

    ours: Rpc
    theirs: Rpc
    gids: dict[str, tuple[str, str]] = field(default_factory=dict)
    checked: list[str] = field(default_factory=list)

    def _params(self, params: tuple[Any, ...], side: int) -> list[Any]:
        return [self.gids[p][side] if isinstance(p, str) and p in self.gids else p
                for p in params]

    def call(self, method: str, *params: Any, token: str | None = "") -> tuple[Any, Any]:
        """The same call to both; their statuses and shapes must agree."""
        answers = [rpc.call(method, *self._params(params, side), token=token)
                   for side, rpc in enumerate((self.ours, self.theirs))]
        self.compare(f"{method}{list(params)!r}", *answers)
        return answers[0][1], answers[1][1]

    def post(self, body: bytes, what: str) -> tuple[Any, Any]:
        answers = [rpc.post(body) for rpc in (self.ours, self.theirs)]
        self.compare(what, *answers)
        return answers[0][1], answers[1][1]

    def compare(self, what: str, ours: tuple[int, Any], theirs: tuple[int, Any]) -> None:
        assert ours[0] == theirs[0], f"{what}: HTTP {ours[0]}, aria2c {theirs[0]}"
        assert_like(ours[1], theirs[1], what)
        self.checked.append(what)


def assert_like(ours: Any, theirs: Any, where: str) -> None:
    """Same type; dicts: ours has no key aria2c lacks (JSON-RPC envelopes and
    errors: the same keys and error codes); lists: item by item, or each of ours
    like aria2c's first when the lengths differ."""
    assert type(ours) is type(theirs), f"{where}: {ours!r} vs aria2c's {theirs!r}"
    if isinstance(ours, dict):
        extra = set(ours) - set(theirs)
        assert not extra, f"{where}: keys aria2c does not send: {extra}"
        if "jsonrpc" in theirs or "code" in theirs:
            assert set(ours) == set(theirs), f"{where}: {set(ours)} vs aria2c's {set(theirs)}"
        if "code" in theirs:
            assert ours["code"] == theirs["code"], f"{where}: {ours} vs aria2c's {theirs}"
        for key in ours:
            assert_like(ours[key], theirs[key], f"{where}.{key}")
    elif isinstance(ours, list):
        assert bool(ours) == bool(theirs), f"{where}: {ours!r} vs aria2c's {theirs!r}"
        for n, item in enumerate(ours):  # item by item when the lengths agree
            assert_like(item, theirs[n if len(ours) == len(theirs) else 0], f"{where}[{n}]")


@pytest.fixture
def pair(home: Path, aria2c: Rpc) -> Iterator[Pair]:
    with rpc_worker(home) as (_worker, ours):
        yield Pair(ours, aria2c)


def test_envelopes_errors_and_status_codes(pair: Pair) -> None:
    version = pair.call("aria2.getVersion")
    assert all(set(v["result"]) == {"version", "enabledFeatures"} for v in version)
    for token in ("token:wrong", None):
        ours, theirs = pair.call("aria2.getVersion", token=token)
        assert ours["error"] == theirs["error"] == {"code": 1, "message": "Unauthorized"}
    ours, theirs = pair.call("aria2.noSuchMethod")
    assert ours["error"] == theirs["error"]
    pair.call("aria2.noSuchMethod", token=None)
    pair.call("aria2.tellStatus")
    ours, theirs = pair.call("aria2.tellStatus", "zz")
    pair.call("aria2.tellStatus", "00000000000000aa")
    pair.call("aria2.changePosition", "00000000000000aa", 0, "POS_NOWHERE")
    pair.call("aria2.unpause", "00000000000000aa")
    pair.post(b"{not json", "parse error")
    pair.post(b'{"method": "aria2.getVersion", "params": []}', "no id")
    pair.post(b'{"id": 1, "method": 7}', "method not a string")
    pair.post(b'{"id": 1, "method": "aria2.getVersion", "params": {"a": 1}}', "params object")
    pair.post(b"[]", "empty batch")
    pair.post(b"42", "a number")
    batch = [{"jsonrpc": "2.0", "id": "a", "method": "aria2.getVersion",
              "params": [f"token:{SECRET}"]}, 7,
             {"jsonrpc": "2.0", "id": "b", "method": "aria2.getVersion", "params": ["bad"]}]
    ours, theirs = pair.post(json.dumps(batch).encode(), "batch")
    assert len(ours) == len(theirs) == 2


def test_system_methods_and_surplus_parameters(pair: Pair) -> None:
    ours, theirs = pair.call("system.listMethods", token=None)
    assert set(ours["result"]) <= set(theirs["result"])
    ours, theirs = pair.call("system.listNotifications", token=None)
    assert set(ours["result"]) <= set(theirs["result"])
    token = f"token:{SECRET}"
    ours, theirs = pair.call("system.multicall", [
        {"methodName": "aria2.getGlobalStat", "params": [token]},
        {"methodName": "aria2.getVersion", "params": ["token:wrong"]},
        "not a struct",
        {"params": [token]},
        {"methodName": "system.multicall", "params": [[]]},
        {"methodName": "aria2.tellActive", "params": [token, ["gid"], "surplus"]},
    ], token=None)
    for mine, aria2s in zip(ours["result"], theirs["result"], strict=True):
        if isinstance(aria2s, dict):
            assert mine == aria2s  # the same failures, word for word
    pair.call("system.multicall", token=None)
    ours, theirs = pair.call("aria2.getGlobalStat", [], {})  # Aria2 Integration's
    assert set(ours["result"]) == set(theirs["result"])
    pair.call("aria2.getVersion", "surplus", {"x": 1})
    pair.call("aria2.getSessionInfo")
    pair.call("aria2.addUri", ["http://127.0.0.1:9/x.bin"], None)  # null options: refused
    pair.call("aria2.addUri", [])


def test_get_jsonp_and_preflight(pair: Pair) -> None:
    params = quote(base64.b64encode(json.dumps([f"token:{SECRET}"]).encode()).decode(),
                   safe="")
    for path in (f"/jsonrpc?jsonrpc=2.0&method=aria2.getVersion&id=g1&params={params}",
                 "/jsonrpc?method=aria2.getVersion&id=g2",
                 f"/jsonrpc?method=aria2.getGlobalStat&id=g3&params={params}&jsoncallback=cb",
                 f"/jsonrpc?params={quote(base64.b64encode(b'[]').decode())}"):
        answers = [rpc.request("GET", path) for rpc in (pair.ours, pair.theirs)]
        (status, headers, body), (status2, headers2, body2) = answers
        assert status == status2, path
        assert headers["content-type"] == headers2["content-type"], path
        if body2.startswith(b"cb("):
            assert body.startswith(b"cb(") and body.endswith(b")")
            body, body2 = body[3:-1], body2[3:-1]
        assert_like(json.loads(body), json.loads(body2), path)
    answers = [rpc.request("OPTIONS", "/jsonrpc", headers={
        "Access-Control-Request-Method": "POST"}) for rpc in (pair.ours, pair.theirs)]
    assert answers[0][0] == answers[1][0] == 200
    assert [rpc.request("POST", "/elsewhere", b"{}")[0] for rpc in (pair.ours, pair.theirs)
            ] == [404, 404]


def test_a_download_through_both(pair: Pair, fault_server, tmp_path: Path) -> None:
    """Added paused, so neither starts; then the same changes and reads."""
    url = fault_server.data_url(100_000, "both.bin")
    ours_dir, theirs_dir = tmp_path / "ours", tmp_path / "theirs"
    answers = [rpc.call("aria2.addUri", [url], {"dir": str(folder), "out": "named.bin",
                                                "pause": "true", "split": "2"})
               for rpc, folder in ((pair.ours, ours_dir), (pair.theirs, theirs_dir))]
    pair.compare("addUri", *answers)
    pair.gids["GID"] = (answers[0][1]["result"], answers[1][1]["result"])
    assert all(len(g) == 16 for g in pair.gids["GID"])
    ours, theirs = pair.call("aria2.tellStatus", "GID")
    assert ours["result"]["status"] == theirs["result"]["status"] == "paused"
    paths = [Path(a["result"]["files"][0]["path"]) for a in (ours, theirs)]
    assert paths == [ours_dir / "named.bin", theirs_dir / "named.bin"]
    pair.call("aria2.tellStatus", "GID", ["gid", "status", "files", "totalLength"])
    pair.call("aria2.getFiles", "GID")
    pair.call("aria2.getUris", "GID")
    ours, theirs = pair.call("aria2.tellWaiting", 0, 10, ["gid", "status"])
    ours, theirs = pair.call("aria2.tellWaiting", -1, 10)
    pair.call("aria2.tellActive", ["gid"])
    pair.call("aria2.tellStopped", 0, 10)
    pair.call("aria2.changeOption", "GID", {"max-download-limit": "100K"})
    ours, theirs = pair.call("aria2.getOption", "GID")
    assert ours["result"]["max-download-limit"] == theirs["result"]["max-download-limit"]
    assert ours["result"]["dir"] == str(ours_dir) and theirs["result"]["dir"] == str(theirs_dir)
    pair.call("aria2.changePosition", "GID", 0, "POS_SET")
    pair.call("aria2.remove", "GID")
    pair.call("aria2.tellStatus", "GID", ["status"])  # a waiting one leaves no result
    pair.call("aria2.removeDownloadResult", "GID")


def test_queue_moves_give_the_same_order_as_aria2c(pair: Pair, fault_server,
                                                   tmp_path: Path) -> None:
    """aria2c is the reference for changePosition: the same moves of the same
    paused queue, the same answers and the same order from tellWaiting."""
    for n in range(5):
        url = fault_server.data_url(1000, f"order{n}.bin")
        answers = [rpc.call("aria2.addUri", [url], {"dir": str(tmp_path / rpc.name),
                                                    "pause": "true"})
                   for rpc in (pair.ours, pair.theirs)]
        pair.compare("addUri", *answers)
        pair.gids[f"G{n}"] = (answers[0][1]["result"], answers[1][1]["result"])
    names = {gid: name for name, gids in pair.gids.items() for gid in gids}
    for name, pos, how in (("G4", 0, "POS_SET"), ("G0", 2, "POS_CUR"), ("G1", -1, "POS_END"),
                           ("G2", 99, "POS_SET"), ("G3", -99, "POS_CUR"), ("G4", 1, "POS_END"),
                           ("G0", -2, "POS_CUR"), ("G1", 3, "POS_SET")):
        ours, theirs = pair.call("aria2.changePosition", name, pos, how)
        assert ours["result"] == theirs["result"], (name, pos, how)
        orders = [[names[s["gid"]] for s in answer["result"]]
                  for answer in pair.call("aria2.tellWaiting", 0, 10, ["gid"])]
        assert orders[0] == orders[1], (name, pos, how)


def test_global_options_take_effect_in_both(pair: Pair, tmp_path: Path) -> None:
    for options in ({"max-concurrent-downloads": "2"}, {"max-overall-download-limit": "1M"},
                    {"dir": str(tmp_path / "new-dir")}):
        pair.call("aria2.changeGlobalOption", options)
        ours, theirs = pair.call("aria2.getGlobalOption")
        for key, value in options.items():
            expected = str(1 << 20) if value == "1M" else value
            assert ours["result"][key] == theirs["result"][key] == expected, key
    pair.call("aria2.changeGlobalOption", {"max-concurrent-downloads": "zero"})


def test_websocket_answers_and_notifications_from_both(pair: Pair, fault_server,
                                                       tmp_path: Path) -> None:
    heard: list[list[str]] = []
    for side, rpc in enumerate((pair.ours, pair.theirs)):
        ws = websocket.create_connection(rpc.url.replace("http", "ws"), timeout=30)
        try:
            ws.send(json.dumps({"jsonrpc": "2.0", "id": "v", "method": "aria2.getVersion",
                                "params": [f"token:{SECRET}"]}))
            version = json.loads(ws.recv())
            assert version["id"] == "v" and set(version["result"]) == {
                "version", "enabledFeatures"}
            url = fault_server.data_url(300_000, f"ws{side}.bin", drop=100_000, fail=1)
            ws.send(json.dumps({"jsonrpc": "2.0", "id": "a", "method": "aria2.addUri",
                                "params": [f"token:{SECRET}", [url],  # dropped once: a retry
                                           {"dir": str(tmp_path / f"ws{side}")}]}))
            methods: list[str] = []
            while "aria2.onDownloadComplete" not in methods:
                message = json.loads(ws.recv())
                if "method" in message:
                    assert message["params"] == [{"gid": message["params"][0]["gid"]}]
                    methods.append(message["method"])
            heard.append(methods)
        finally:
            ws.close()
    assert heard[0] == heard[1] == ["aria2.onDownloadStart", "aria2.onDownloadComplete"]
