"""Start-up time: ``greenget`` until its window is shown, ``greenget get`` until its first
request reaches the server; for the editable install and the frozen build.

    python bench/startup.py                      # 7 warm rounds each
    python bench/startup.py --rounds 15 --cold 3 --frozen build/deb/root/opt/greenget/greenget

"Shown" is the X server's MapNotify for the top-level window called Greenget, watched
on a private Xvfb with python-xlib (a client of its own: nothing in the app is timed
from inside). "First request" is the moment a loopback HTTP server of this script reads
the request line. Warm rounds run after one unmeasured launch; cold rounds drop the page
cache first (``/proc/sys/vm/drop_caches``), which needs root: without it they are
skipped and the table says so. Every round gets a fresh HOME and GREENGET_HOME. CPU is
user+sys: the window process's own when its window is shown (the worker it starts runs
apart), the whole ``greenget get`` run's for get.
"""

from __future__ import annotations

import argparse
import http.server
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from Xlib import X, display  # type: ignore[import-untyped]  # noqa: E402

from tests.servers.harness import run_xvfb, stop_process  # noqa: E402

FROZEN_CANDIDATES = (ROOT / "build/deb/root/opt/greenget/greenget", Path("/opt/greenget/greenget"))
WINDOW_TIMEOUT = 60.0


@dataclass
class Series:
    name: str
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def add(self, seconds: float, cpu: float) -> None:
        self.seconds.append(seconds)
        self.cpu.append(cpu)

    def row(self) -> str:
        if not self.seconds:
            return f"{self.name:<34} {'-':>8} {'-':>8} {'-':>8}"
        median = statistics.median(self.seconds) * 1000
        best = min(self.seconds) * 1000
        cpu = statistics.median(self.cpu) * 1000 if self.cpu else float("nan")
        return f"{self.name:<34} {median:8.0f} {best:8.0f} {cpu:8.0f}   (n={len(self.seconds)})"


def drop_caches() -> bool:
    """Empty the page cache (root only); False if this process may not."""
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


@contextmanager
def fresh_home() -> Iterator[dict[str, str]]:
    with tempfile.TemporaryDirectory(prefix="greenget-startup-") as folder:
        home = Path(folder)
        # As a user runs it: Python writes .pyc files (the unmeasured first launch does),
        # and Qt picks the platform from DISPLAY.
        env = {k: v for k, v in os.environ.items()
               if k not in ("QT_QPA_PLATFORM", "PYTHONDONTWRITEBYTECODE")}
        env.update(HOME=str(home), GREENGET_HOME=str(home / "state"),
                   XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".local"))
        yield env


class MapWatcher:
    """Tells when a top-level window called Greenget is mapped on ``screen``."""

    def __init__(self, screen: str) -> None:
        self._display = display.Display(screen)
        root = self._display.screen().root
        root.change_attributes(event_mask=X.SubstructureNotifyMask)
        self._display.sync()

    def wait(self, process: subprocess.Popen[bytes]) -> float | None:
        deadline = time.monotonic() + WINDOW_TIMEOUT
        while time.monotonic() < deadline and process.poll() is None:
            while self._display.pending_events():
                event = self._display.next_event()
                if event.type == X.MapNotify and self._named_greenget(event.window):
                    return time.perf_counter()
            time.sleep(0.0005)
        return None

    def _named_greenget(self, window) -> bool:
        try:
            name = window.get_wm_name() or ""
        except Exception:  # the window may be gone already
            return False
        return str(name).startswith("Greenget")

    def close(self) -> None:
        self._display.close()


def window_round(command: list[str], screen: str) -> tuple[float, float]:
    """Seconds from launch to the window mapped, and the CPU the launcher used."""
    with fresh_home() as env:
        env["DISPLAY"] = screen
        watcher = MapWatcher(screen)
        try:
            start = time.perf_counter()
            process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            shown = watcher.wait(process)
        finally:
            watcher.close()
        cpu = _cpu_of(process)
        if shown is None:
            raise RuntimeError(f"{command[0]}: no window within {WINDOW_TIMEOUT} s")
        return shown - start, cpu


def _cpu_of(process: subprocess.Popen[bytes]) -> float:
    """Stop ``process`` and return its user+sys CPU (from /proc while it still runs)."""
    try:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])  # utime, stime
        cpu = ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        cpu = float("nan")
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        stop_process(process)
    return cpu


class FirstRequest(http.server.ThreadingHTTPServer):
    """Loopback server noting when each request line arrives; answers one byte."""

    def __init__(self) -> None:
        self.arrivals: list[float] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.arrivals.append(time.perf_counter())
                self.send_response(200)
                self.send_header("Content-Length", "1")
                self.end_headers()
                self.wfile.write(b"x")

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)


def get_round(command: list[str], server: FirstRequest) -> tuple[float, float]:
    """Seconds from launch to the first request line at the server, and the run's CPU."""
    with fresh_home() as env:
        server.arrivals.clear()
        url = f"http://127.0.0.1:{server.server_address[1]}/one-byte.bin"
        before = os.times()
        start = time.perf_counter()
        result = subprocess.run([*command, "get", "-q", "-d", env["HOME"], url], env=env,
                                stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
        after = os.times()
        if result.returncode != 0 or not server.arrivals:
            raise RuntimeError(f"greenget get failed: {result.stderr.decode(errors='replace')}")
        cpu = (after.children_user + after.children_system
               - before.children_user - before.children_system)
        return server.arrivals[0] - start, cpu


def measure(name: str, command: list[str], args: argparse.Namespace, screen: str,
            server: FirstRequest) -> list[Series]:
    warm, cold = Series(f"{name}: window, warm"), Series(f"{name}: window, cold")
    get_warm, get_cold = Series(f"{name}: get, warm"), Series(f"{name}: get, cold")
    window_round(command, screen)  # unmeasured: fill the page cache
    get_round(command, server)
    for _ in range(args.rounds):  # interleaved, so a burst of load hits both alike
        warm.add(*window_round(command, screen))
        get_warm.add(*get_round(command, server))
    for _ in range(args.cold):
        if not drop_caches():
            break
        cold.add(*window_round(command, screen))
        drop_caches()
        get_cold.add(*get_round(command, server))
    return [warm, cold, get_warm, get_cold]


def editable_command() -> list[str]:
    script = Path(sys.executable).with_name("greenget")
    return [str(script)] if script.exists() else [sys.executable, "-m", "gui"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7, help="warm rounds (7)")
    parser.add_argument("--cold", type=int, default=3, help="cold rounds, root only (3)")
    parser.add_argument("--frozen", type=Path, help="the frozen greenget (default: "
                        "build/deb/root/opt/greenget/greenget or /opt/greenget/greenget)")
    args = parser.parse_args()
    frozen = args.frozen or next((p for p in FROZEN_CANDIDATES if p.exists()), None)
    variants = [("editable", editable_command())]
    if frozen:
        variants.append(("frozen", [str(frozen)]))
    if shutil.which("Xvfb") is None:
        print("bench/startup.py needs Xvfb (scripts/install --test)", file=sys.stderr)
        return 1
    rows: list[Series] = []
    server = FirstRequest()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with run_xvfb() as screen:
            for name, command in variants:
                rows += measure(name, command, args, screen, server)
    finally:
        server.shutdown()
    print(f"{'':<34} {'median':>8} {'best':>8} {'CPU':>8}   milliseconds")
    for series in rows:
        print(series.row())
    if args.cold and not any(s.seconds for s in rows if "cold" in s.name):
        print("cold rounds skipped: dropping the page cache needs root")
    if not frozen:
        print("no frozen build measured: run scripts/build (or pass --frozen PATH)")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on "
          f"{os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
