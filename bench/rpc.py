"""The JSON-RPC endpoint against aria2c's, in the same run: N calls on one
keep-alive connection (as AriaNg and the extensions poll), wall time and the
server's CPU time (user+sys) per call, and the ratios greenget / aria2c.

    python bench/rpc.py            # 2,000 calls each of getVersion and tellActive
    python bench/rpc.py --calls 10000
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench"
CALLS = {"getVersion": [], "tellActive": [["gid", "status", "completedLength"]]}


@dataclass
class Figures:
    wall: float  # seconds per call
    cpu: float  # server CPU seconds per call


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def serving(argv: list[str], env: dict[str, str], port: int) -> Iterator[tuple[int, int]]:
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SystemExit(f"{argv[0]} did not start listening on {port}") from None
                time.sleep(0.05)
        yield proc.pid, port
    finally:
        proc.kill()
        proc.wait()


def measure(pid: int, port: int, method: str, calls: int) -> Figures:
    body = json.dumps({"jsonrpc": "2.0", "id": "b", "method": f"aria2.{method}",
                       "params": [f"token:{SECRET}", *CALLS[method]]})
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(20):  # warm up (imports, first connection)
        conn.request("POST", "/jsonrpc", body, {"Content-Type": "application/json"})
        conn.getresponse().read()
    cpu0, wall0 = cpu_seconds(pid), time.perf_counter()
    for _ in range(calls):
        conn.request("POST", "/jsonrpc", body, {"Content-Type": "application/json"})
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"{method} answered {response.status}")
    wall, cpu = time.perf_counter() - wall0, cpu_seconds(pid) - cpu0
    conn.close()
    return Figures(wall / calls, cpu / calls)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    if shutil.which("aria2c") is None:
        raise SystemExit("aria2c is needed (apt-get install aria2)")
    results: dict[str, dict[str, Figures]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        port = free_port()
        env = dict(os.environ, GREENGET_HOME=f"{scratch}/home", GREENGET_RPC_PORT=str(port),
                   GREENGET_RPC_SECRET=SECRET, PYTHONPATH=str(ROOT))
        with serving([sys.executable, "-m", "engine"], env, port) as server:
            results["greenget"] = {m: measure(*server, m, args.calls) for m in CALLS}
        port = free_port()
        argv = ["aria2c", "--no-conf", "--enable-rpc", f"--rpc-listen-port={port}",
                f"--rpc-secret={SECRET}", f"--dir={scratch}", "--quiet"]
        with serving(argv, dict(os.environ), port) as server:
            results["aria2c"] = {m: measure(*server, m, args.calls) for m in CALLS}
    print(f"{args.calls} calls per method on one keep-alive connection (per call)")
    print(f"{'method':12} {'greenget wall':>14} {'aria2c wall':>12} {'ratio':>6}"
          f" {'greenget CPU':>13} {'aria2c CPU':>11} {'ratio':>6}")
    for method in CALLS:
        ours, theirs = results["greenget"][method], results["aria2c"][method]
        print(f"{method:12} {ours.wall * 1e6:11.0f} us {theirs.wall * 1e6:9.0f} us"
              f" {ours.wall / theirs.wall:6.2f} {ours.cpu * 1e6:10.0f} us"
              f" {theirs.cpu * 1e6:8.0f} us {ours.cpu / max(theirs.cpu, 1e-9):6.2f}")


if __name__ == "__main__":
    main()
