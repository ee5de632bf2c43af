"""A plain HTTP client for the JSON-RPC endpoint (stdlib ``http.client``) and
a worker with the endpoint on, for the RPC tests."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from engine import protocol as p
from tests.engine.conftest import FAST
from tests.worker_client import WorkerProcess

SECRET = "s3cret-for-tests"
TOKEN = f"token:{SECRET}"
EXTENSION = "chrome-extension://cnhlidmdklmbkgdjdpfbmgmjmkcgjbpd"


class Rpc:
    """Calls over HTTP POST; every answer's HTTP status is kept with it."""

    def __init__(self, port: int, token: str = TOKEN, name: str = "greenget") -> None:
        self.name = name  # which server answers: "greenget" or "aria2c"
        self.port = port
        self.token = token
        self.url = f"http://127.0.0.1:{port}/jsonrpc"
        self._id = 0

    def request(self, method: str, path: str = "/jsonrpc", body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, \
                response.read()
        finally:
            conn.close()

    def post(self, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, Any]:
        status, _headers, data = self.request(
            "POST", body=body, headers={"Content-Type": "application/json", **(headers or {})})
        return status, json.loads(data) if data else None

    def call(self, method: str, *params: Any, token: str | None = "",
             **envelope: Any) -> tuple[int, dict[str, Any]]:
        """``(HTTP status, answer)``; the token comes first unless ``token=None``."""
        self._id += 1
        token = self.token if token == "" else token
        request = {"jsonrpc": "2.0", "id": str(self._id), "method": method,
                   "params": ([token] if token is not None else []) + list(params), **envelope}
        return self.post(json.dumps(request).encode())

    def result(self, method: str, *params: Any) -> Any:
        status, answer = self.call(method, *params)
        assert status == 200 and "error" not in answer, (status, answer)
        return answer["result"]

    def error(self, method: str, *params: Any, token: str | None = "") -> tuple[int, str]:
        status, answer = self.call(method, *params, token=token)
        assert "error" in answer, answer
        return status, answer["error"]["message"]


@contextmanager
def rpc_worker(home: Path, origins: tuple[str, ...] = ()) -> Iterator[tuple[WorkerProcess, Rpc]]:
    worker = WorkerProcess(home, settings=FAST)
    try:
        worker.send(p.SetRpc(enabled=True, port=0, secret=SECRET, origins=origins))
        status = worker.expect(p.RpcStatus)
        assert isinstance(status, p.RpcStatus) and status.enabled and status.secret == SECRET
        yield worker, Rpc(status.port)
    finally:
        worker.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def run_aria2c(folder: Path) -> Iterator[Rpc]:
    """aria2c itself with RPC on 127.0.0.1, the same secret, downloads in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for _attempt in range(5):  # aria2c takes no port 0: a free one may be taken meanwhile
        port = _free_port()
        proc = subprocess.Popen(
            ["aria2c", "--no-conf", "--enable-rpc", f"--rpc-listen-port={port}",
             f"--rpc-secret={SECRET}", f"--dir={folder}", "--quiet", "--disable-ipv6",
             f"--save-session={folder / 'session'}", "--auto-save-interval=0",
             f"--log={folder / 'aria2c.log'}", "--log-level=warn"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        rpc = Rpc(port, name="aria2c")
        deadline = time.monotonic() + 15
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                if rpc.call("aria2.getVersion")[0] == 200:
                    break
            except OSError:
                time.sleep(0.05)
        if proc.poll() is None:
            break
    else:
        raise RuntimeError("aria2c did not start")
    try:
        yield rpc
    finally:
        proc.terminate()
        proc.wait(10)
