#!/usr/bin/env python3
"""Greenget benchmarks against curl, wget, aria2c and axel, in one run, on loopback.

    python bench/run.py                 # the full bench (~10 minutes on 2 cores)
    python bench/run.py --quick         # a ~1 minute smoke version
    python bench/run.py --cases 1,3 --rounds 7

Starts its own nginx on 127.0.0.1 (a free port; nothing else is ever contacted),
serving generated files from a temp dir, runs every case ``--rounds`` times with
the tools interleaved (the order rotates each round: ABC, BCA, CAB, ...), prints
medians and the ratios of Greenget to the other tools measured in this run, and
writes every run as JSON to ``bench/results/``.  See bench/README.md.

Standard library only (plus the repo's tests/servers/payload.py and harness.py for the
content and nginx helpers).
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import datetime
import hashlib
import json
import os
import platform
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from engine import protocol  # noqa: E402
from engine.diskio import in_memory  # noqa: E402
from engine.settings import parse_size  # noqa: E402
from tests.servers.harness import Nginx, find_nginx, run_nginx  # noqa: E402
from tests.servers.payload import iter_range, payload  # noqa: E402
from tests.worker_client import WorkerProcess  # noqa: E402

HOST = "127.0.0.1"  # the only address this bench ever talks to
KiB, MiB, GiB = 1024, 1024**2, 1024**3
MB = 1_000_000
RESULTS = REPO / "bench" / "results"
RUN_TIMEOUT = 900.0
PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "ftp_proxy", "no_proxy")

CASE_TITLES = {
    1: "one large file, one connection, into tmpfs (/dev/shm)",
    2: "nginx limit_rate per connection, 8 connections, large file",
    3: "many small files, 16 at once (and CPU per file)",
    4: "CPU seconds per GiB (user+sys), the runs of cases 6 and 1",
    5: "worker peak RSS with 100 active downloads",
    6: "one large file, one connection, onto disk",
    7: "nginx limit_rate per connection, 8 connections, 50 MiB",
}
TMPFS = Path("/dev/shm")



# ----------------------------------------------------------------------------- model


@dataclass
class Run:
    case: int
    tool: str
    round: int  # 0 = warm-up (not in the medians)
    ok: bool = True
    error: str = ""
    wall: float = 0.0  # seconds, process start to exit
    user: float = 0.0  # CPU seconds of the child (os.wait4 rusage)
    sys: float = 0.0
    maxrss_mib: float = 0.0  # the child's peak RSS (ru_maxrss)
    rc: int = 0
    bytes: int = 0  # bytes the tool produced (files on disk)
    files: int = 0
    server_window: float | None = None  # nginx: first request start to last request end
    sha256_checked: bool = False
    value: float = 0.0  # the case's metric (MB/s, files/s, MiB)
    extra: dict[str, object] = field(default_factory=dict)


@dataclass
class Tool:
    name: str  # as shown in the table
    binary: str  # what must be installed
    command: Callable[..., list[str]]
    note: str = ""


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.runs: list[Run] = []
        self.skipped: list[str] = []
        self.notes: dict[int, list[str]] = {}
        self.tmp = Path(tempfile.mkdtemp(prefix="greenget-bench-"))
        self.prefix = self.tmp / "nginx"
        self.root = self.prefix / "root"
        self.out = self.tmp / "out"
        self.phases = random.Random(args.seed)  # cases 2 and 7: each run's start phase
        self.homes = self.tmp / "homes"
        self.nginx: Nginx | None = None
        self.servers = contextlib.ExitStack()  # nginx, stopped when the bench ends
        self.port = 0
        self.code_dir = REPO
        if args.code != "live":  # a frozen copy: the repo may change while the bench runs
            self.code_dir = snapshot_code(self.tmp / "code", head=args.code == "head")
        self.env = child_env(self.code_dir)
        self.greenget = greenget_command(args.code == "live")
        self.expected: dict[str, str] = {}  # path under root -> sha256
        self.startup: dict[str, float] = {}
        self.current_case = 0
        self.nginx_pids: list[int] = []
        self.noisy_waits = 0
        self.code_before: dict[str, str] = {}
        self.code_after: dict[str, str] = {}
        self.loads: list[tuple[str, float]] = []

    # ----------------------------------------------------------- helpers

    def url(self, path: str, limited: bool = False, rate: str = "") -> str:
        query = f"?rate={rate}" if rate else ""
        return f"http://{HOST}:{self.port}/{'limited/' if limited else ''}{path}{query}"

    def destination(self, folder: Path) -> None:
        """Write the outputs of the next runs into a fresh folder under ``folder``."""
        self.out = folder / f"greenget-bench-out-{os.getpid()}"

    def note(self, case: int, text: str) -> None:
        self.notes.setdefault(case, []).append(text)
        print(f"  note: {text}")

    def have(self, binary: str, case: int) -> bool:
        if binary == "greenget" or shutil.which(binary):
            return True
        line = f"case {case}: skipping {binary} (not installed)"
        if line not in self.skipped:
            self.skipped.append(line)
            print(f"  skip: {binary} is not installed; its rows are left out")
        return False

    def fresh_out(self) -> Path:
        if self.out.exists():
            shutil.rmtree(self.out)
        self.out.mkdir(parents=True)
        return self.out

    def fresh_home(self) -> Path:
        if self.homes.exists():
            shutil.rmtree(self.homes)
        self.homes.mkdir(parents=True)
        return self.homes

    def write_file(self, name: str, size: int, seed: int) -> str:
        target = self.root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with open(target, "wb") as out:
            for piece in iter_range(size, seed):
                out.write(piece)
                digest.update(piece)
        self.expected[name] = digest.hexdigest()
        return self.expected[name]

    # ----------------------------------------------------------- nginx

    def start_nginx(self) -> None:
        """The tests' nginx (tests/servers/harness.py) with ``--rate`` on /limited/."""
        binary = find_nginx()
        if binary is None:
            sys.exit("nginx is not installed; the bench needs it (apt-get install nginx)")
        try:
            self.nginx = self.servers.enter_context(
                run_nginx(binary, self.prefix, rate=self.args.rate))
        except RuntimeError as exc:
            sys.exit(f"nginx did not start: {exc}")
        self.port = self.nginx.port
        self.nginx_pids = [self.nginx.process.pid, *children_of(self.nginx.process.pid)]
        print(f"nginx {binary} pid {self.nginx.process.pid} on {HOST}:{self.port}, "
              f"root {self.root}, limit_rate {self.args.rate} on /limited/")

    def clear_log(self) -> None:
        assert self.nginx is not None
        self.nginx.timing_log.write_bytes(b"")

    def server_window(self, min_requests: int, settle: float = 2.0) -> tuple[float | None, int]:
        """(last request end - first request start, requests) from nginx's log."""
        assert self.nginx is not None
        path = self.nginx.timing_log
        deadline = time.monotonic() + settle
        lines: list[str] = []
        while True:
            lines = [x for x in path.read_text(errors="replace").splitlines() if x.strip()]
            if len(lines) >= min_requests or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        starts, ends = [], []
        for line in lines:
            parts = line.split(" ")
            try:
                end, took = float(parts[0]), float(parts[1])
            except (IndexError, ValueError):
                continue
            starts.append(end - took)
            ends.append(end)
        if not starts:
            return None, 0
        return max(ends) - min(starts), len(lines)

    # ----------------------------------------------------------- running a tool

    def wait_quiet(self, window: float = 0.5, threshold: float = 0.2) -> float:
        """Wait (up to ``--quiet-wait`` s) for a ``window`` in which the machine is
        nearly idle (other processes share our 2 cores); the seconds waited."""
        started = time.monotonic()
        while True:
            busy = machine_busy()
            time.sleep(window)
            if (machine_busy() - busy) / window < threshold:
                break
            if time.monotonic() - started >= self.args.quiet_wait:
                self.noisy_waits += 1
                break
        return round(time.monotonic() - started, 2)

    @contextlib.contextmanager
    def watch(self, run: Run) -> Iterator[None]:
        """Note the CPU the rest of the machine used while ``run``'s tool ran: all busy
        CPU minus the tool's (filled in by the caller) and nginx's, per second."""
        busy, server, started = machine_busy(), process_cpu(self.nginx_pids), time.monotonic()
        yield
        elapsed = time.monotonic() - started
        server = process_cpu(self.nginx_pids) - server
        others = machine_busy() - busy - server - (run.user + run.sys)
        run.extra["nginx_cpu_s"] = round(server, 3)
        run.extra["others_cores"] = round(max(0.0, others) / max(elapsed, 1e-3), 3)

    def execute(self, run: Run, command: list[str], *, env: dict[str, str] | None = None,
                ok_codes: tuple[int, ...] = (0,), timeout: float = RUN_TIMEOUT) -> None:
        """Run ``command``; fill wall time, CPU (rusage of this child) and exit status."""
        with self.watch(run):
            self._execute(run, command, env, timeout)
        if run.rc not in ok_codes:
            run.ok = False
            tail = (self.tmp / "tool.log").read_text(errors="replace")[-600:].strip()
            run.error = f"exit status {run.rc}: {tail}"

    def _execute(self, run: Run, command: list[str], env: dict[str, str] | None,
                 timeout: float) -> None:
        log_path = self.tmp / "tool.log"
        with open(log_path, "wb") as log:
            started = time.perf_counter()
            proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log,
                                    stderr=subprocess.STDOUT, env=env or self.env, cwd=self.tmp)
            killer = threading.Timer(timeout, proc.kill)
            killer.start()
            try:
                _pid, status, usage = os.wait4(proc.pid, 0)
            finally:
                killer.cancel()
            run.wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        run.rc = proc.returncode
        run.user, run.sys = usage.ru_utime, usage.ru_stime
        run.maxrss_mib = usage.ru_maxrss / 1024

    def record(self, run: Run) -> None:
        self.runs.append(run)
        label = "warm-up" if run.round == 0 else f"round {run.round}"
        status = "ok" if run.ok else f"FAILED ({run.error[:300]})"
        unit = {1: "MB/s", 2: "MB/s", 3: "files/s", 5: "MiB", 6: "MB/s", 7: "MB/s"}[run.case]
        window = f", server {run.server_window:.2f}s" if run.server_window else ""
        sha = ", sha256 ok" if run.sha256_checked and run.ok else ""
        others = run.extra.get("others_cores")
        busy = f", others {others:.2f} cores" if isinstance(others, float) else ""
        print(f"  {label:8} {run.tool:22} {run.value:9.1f} {unit:7} wall {run.wall:6.2f}s "
              f"cpu {run.user + run.sys:6.2f}s{window}{busy}{sha} {status}", flush=True)

    # ----------------------------------------------------------- verification

    def verify_file(self, run: Run, path: Path, name: str, *, sha: bool,
                    prefix_only: bool = False) -> None:
        """Size (and SHA-256 when ``sha``) of ``path`` against the served ``name``."""
        if not run.ok:
            return
        served = self.root / name
        if not path.is_file():
            run.ok, run.error = False, f"missing output {path.name}"
            return
        size, want = path.stat().st_size, served.stat().st_size
        if prefix_only:
            if size > want:
                run.ok, run.error = False, f"{path.name}: {size} bytes, more than {want}"
                return
            want = size
        if size != want:
            run.ok, run.error = False, f"{path.name}: {size} bytes, expected {want}"
            return
        if sha:
            expected = self.expected[name] if not prefix_only or size == served.stat().st_size \
                else sha256_file(served, size)
            got = sha256_file(path, size)
            if got != expected:
                run.ok, run.error = False, f"{path.name}: SHA-256 {got[:16]}… != {expected[:16]}…"
                return
            run.sha256_checked = True

    # =========================================================== case 1 (+ case 4)

    def case_big(self, case: int) -> None:
        size = self.args.size
        name = "big.bin"
        if case == 1:
            folder, where = TMPFS, "into tmpfs"
        else:
            folder, where = self.disk_dir(), "onto disk"
        print(f"\n== case {case}: {human(size)}, one connection, {where} ({folder})")
        if case == 1 and not (TMPFS.is_dir() and on_tmpfs(TMPFS)):
            self.note(1, f"{TMPFS} is not a tmpfs here; case 1 skipped")
            return
        if case == 6 and on_tmpfs(folder):
            self.note(6, f"{folder} is a tmpfs: this row measures memory, not a disk "
                         "(choose a disk folder with --disk-dir)")
        self.destination(folder)
        started = time.monotonic()
        if name not in self.expected:
            self.write_file(name, size, seed=1)
            print(f"  generated {name} ({human(size)}) in {time.monotonic() - started:.1f}s; "
                  "it stays in the page cache (nothing is dropped); outputs are deleted "
                  "after each run")
        url = self.url(name)
        tools = [
            Tool("greenget -x1", "greenget", lambda o: [*self.greenget, "get", "-q", "-x1",
                                                        "-d", str(o), url]),
            Tool("curl", "curl", lambda o: ["curl", "-q", "-sS", "--fail", "-o",
                                            str(o / name), url]),
            Tool("wget", "wget", lambda o: ["wget", "-q", "--no-config", "-O",
                                            str(o / name), url]),
            Tool("aria2c -x1", "aria2c", lambda o: [
                "aria2c", *ARIA2_COMMON, "-x1", "-s1", "-d", str(o), "-o", name, url]),
        ]
        tools = [t for t in tools if self.have(t.binary, case)]
        if not self.startup:
            self.measure_startup(case)
        self.note(case, "greenget flushes the file (fdatasync at each ~1 s checkpoint and "
                        "before the rename: the crash-safety rule); curl, wget and aria2c "
                        "do not")

        def one(tool: Tool, rnd: int) -> Run:
            out = self.fresh_out()
            home = self.fresh_home()
            self.clear_log()
            run = Run(case, tool.name, rnd)
            self.execute(run, tool.command(out), env={**self.env, "GREENGET_HOME": str(home)})
            run.server_window, _ = self.server_window(1)
            self.verify_file(run, out / name, name, sha=rnd == 1)
            run.bytes = size if run.ok else 0
            run.value = size / run.wall / MB if run.ok else 0.0
            run.extra["server_MBps"] = (size / run.server_window / MB
                                        if run.server_window and run.ok else None)
            shutil.rmtree(out)
            return run

        self.rounds(tools, one, warmup=True)

    def disk_dir(self) -> Path:
        """Where case 6 writes: ``--disk-dir``, else the bench's temp folder when it is
        on a disk, else bench/results/ in the repository."""
        if self.args.disk_dir:
            return Path(self.args.disk_dir)
        if not on_tmpfs(self.tmp):
            return self.tmp
        RESULTS.mkdir(parents=True, exist_ok=True)
        return RESULTS

    def measure_startup(self, case: int) -> None:
        """CPU and wall time of ``greenget get --help`` (imports, gevent patching)."""
        runs = []
        for _ in range(3):
            run = Run(case, "greenget start-up", 0)
            self.execute(run, [*self.greenget, "get", "--help"])
            runs.append(run)
        wall = statistics.median(r.wall for r in runs)
        cpu = statistics.median(r.user + r.sys for r in runs)
        self.startup = {"wall_s": wall, "cpu_s": cpu}
        self.note(case, f"greenget start-up (`greenget get --help`, median of 3): {wall:.2f}s "
                        f"wall, {cpu:.2f}s CPU; included in its wall time and CPU figures")

    # =========================================================== case 2

    def case_limited(self, case: int) -> None:
        if case == 2:
            size, rate, name = self.args.limited_size, self.args.limited_rate, "mid.bin"
        else:
            size, rate, name = self.args.capped_size, self.args.capped_rate, "capped.bin"
        per_conn = parse_size(rate)
        print(f"\n== case {case}: {human(size)} via nginx limit_rate {rate} per connection, "
              f"8 connections (nginx lets each request's first second through uncapped: "
              f"at best ~{max(0.0, size / (8 * per_conn) - 1):.1f}s)")
        self.destination(self.tmp)
        self.write_file(name, size, seed=case)
        url = self.url(name, limited=True, rate=rate)
        cap = self.args.curl_seconds
        tools = [
            Tool("greenget -x8", "greenget", lambda o: [*self.greenget, "get", "-q", "-x8",
                                                        "-d", str(o), url]),
            Tool("aria2c -x8 -s8 -k1M", "aria2c", lambda o: [
                "aria2c", *ARIA2_COMMON, "-x8", "-s8", "-k1M", "-d", str(o), "-o", name, url]),
            Tool("axel -n 8", "axel", lambda o: ["axel", "-q", "-n", "8", "-o",
                                                 str(o / name), url]),
            Tool("curl (1 conn)", "curl", lambda o: ["curl", "-q", "-sS", "--fail",
                                                     "--max-time", str(cap), "-o",
                                                     str(o / name), url]),
        ]
        if case == 7:  # one capped connection says nothing new here
            tools = [t for t in tools if t.binary != "curl"]
        tools = [t for t in tools if self.have(t.binary, case)]
        if any(t.binary == "curl" for t in tools):
            self.note(case, f"curl (1 connection) is stopped after {cap:g}s (--max-time, "
                         f"--curl-seconds) and measured as bytes received / wall time; the "
                         f"bytes it got are checked against the file's prefix")

        def one(tool: Tool, rnd: int) -> Run:
            out = self.fresh_out()
            home = self.fresh_home()
            self.clear_log()
            run = Run(case, tool.name, rnd)
            capped = tool.binary == "curl"
            # nginx counts limit_rate's allowance in whole seconds of its clock, so a
            # transfer ends on a second boundary and its time depends on where in the
            # second it started: start each run at a random phase, not at one set by
            # the previous run's end plus this tool's start-up.
            phase = self.phases.uniform(0.0, 1.0)
            time.sleep(phase)
            run.extra["phase_s"] = round(phase, 3)
            self.execute(run, tool.command(out), env={**self.env, "GREENGET_HOME": str(home)},
                         ok_codes=(0, 28) if capped else (0,))
            run.server_window, requests = self.server_window(1)
            run.extra["requests"] = requests
            self.verify_file(run, out / name, name, sha=rnd == 1, prefix_only=capped)
            got = (out / name).stat().st_size if run.ok else 0
            run.bytes = got
            run.value = got / run.wall / MB if run.ok else 0.0
            run.extra["server_MBps"] = (got / run.server_window / MB
                                        if run.server_window and run.ok else None)
            shutil.rmtree(out)
            return run

        self.rounds(tools, one, warmup=False)

    # =========================================================== case 3

    def case_small(self) -> None:
        count, size = self.args.small_count, self.args.small_size
        print(f"\n== case 3: {count} x {human(size)} files, 16 at once")
        self.destination(self.tmp)
        names = [f"small/f{i:04d}.bin" for i in range(count)]
        for i, name in enumerate(names):
            self.write_file(name, size, seed=1000 + i)
        urls = [self.url(n) for n in names]
        url_list = self.tmp / "small-urls.txt"
        url_list.write_text("".join(u + "\n" for u in urls))
        curl_config = self.tmp / "small-curl.cfg"
        curl_config.write_text("".join(f'url = "{u}"\n' for u in urls))
        tools = [
            Tool("greenget -j16", "greenget", lambda o: [*self.greenget, "get", "-q", "-j16",
                                                         "-i", str(url_list), "-d", str(o)]),
            Tool("aria2c -j16", "aria2c", lambda o: ["aria2c", *ARIA2_COMMON, "-j16", "-i",
                                                     str(url_list), "-d", str(o)]),
            Tool("curl --parallel 16", "curl", lambda o: [
                "curl", "-q", "-sS", "--fail", "--parallel", "--parallel-max", "16",
                "--remote-name-all", "--output-dir", str(o), "-K", str(curl_config)]),
        ]
        tools = [t for t in tools if self.have(t.binary, 3)]

        def one(tool: Tool, rnd: int) -> Run:
            out = self.fresh_out()
            home = self.fresh_home()
            self.clear_log()
            run = Run(3, tool.name, rnd)
            self.execute(run, tool.command(out), env={**self.env, "GREENGET_HOME": str(home)})
            run.server_window, requests = self.server_window(count)
            run.extra["requests"] = requests
            for name in names:
                self.verify_file(run, out / Path(name).name, name, sha=rnd == 1)
                if not run.ok:
                    break
            extra = sorted(p.name for p in out.iterdir()
                           if p.name not in {Path(n).name for n in names})
            if run.ok and extra:
                run.ok, run.error = False, f"unexpected files: {extra[:5]}"
            run.files = count if run.ok else 0
            run.bytes = count * size if run.ok else 0
            run.value = count / run.wall if run.ok else 0.0
            run.extra["server_files_per_s"] = (count / run.server_window
                                               if run.server_window and run.ok else None)
            shutil.rmtree(out)
            return run

        self.rounds(tools, one, warmup=True)

    # =========================================================== case 5

    def case_rss(self) -> None:
        count, size, hold = self.args.rss_count, self.args.rss_size, self.args.rss_hold
        print(f"\n== case 5: peak RSS with {count} active downloads ({human(size)} each via "
              f"limit_rate {self.args.rate}, one connection each, held {hold:g}s once all "
              "are connected)")
        self.destination(self.tmp)
        first = "rss/r000.bin"
        self.write_file(first, size, seed=5)
        names = [f"rss/r{i:03d}.bin" for i in range(count)]
        for name in names[1:]:  # hard links: same bytes, distinct names, no disk cost
            target = self.root / name
            if not target.exists():
                os.link(self.root / first, target)
            self.expected[name] = self.expected[first]
        urls = [self.url(n, limited=True) for n in names]
        url_list = self.tmp / "rss-urls.txt"
        url_list.write_text("".join(u + "\n" for u in urls))
        self.rss_payload = payload(size, 5) if size <= 64 * MiB else None
        tools = [
            Tool("greenget worker", "greenget", lambda o: []),
            Tool("aria2c -j100", "aria2c", lambda o: [
                "aria2c", *ARIA2_COMMON, f"-j{count}", "-x1", "-s1", "-i", str(url_list),
                "-d", str(o)]),
        ]
        tools = [t for t in tools if self.have(t.binary, 5)]
        self.note(5, "both use one connection per download (greenget: add option "
                     f"connections=1, set_options max_active={count}; aria2c -j{count} -x1 -s1)")

        def one(tool: Tool, rnd: int) -> Run:
            out = self.fresh_out()
            home = self.fresh_home()
            run = Run(5, tool.name, rnd)
            with self.watch(run):
                if tool.binary == "greenget":
                    self.rss_greenget(run, urls, out, home, count, hold)
                else:
                    self.rss_aria2c(run, tool.command(out), count, hold)
            if run.ok and rnd == 1:
                self.verify_prefixes(run, run.extra.pop("_files"))  # type: ignore[arg-type]
            run.extra.pop("_files", None)
            run.value = run.extra.get("vmhwm_mib", 0.0) if run.ok else 0.0  # type: ignore
            shutil.rmtree(out)
            return run

        self.rounds(tools, one, warmup=False)

    def wait_connections(self, count: int, proc: subprocess.Popen[bytes],
                         timeout: float = 60.0) -> tuple[int, float]:
        started = time.monotonic()
        best = 0
        while time.monotonic() - started < timeout and proc.poll() is None:
            best = max(best, established_to(self.port))
            if best >= count:
                break
            time.sleep(0.05)
        return best, time.monotonic() - started

    def sample(self, run: Run, pid: int, hold: float) -> None:
        peak_rss = 0.0
        deadline = time.monotonic() + hold
        samples = 0
        while time.monotonic() < deadline:
            status = proc_status(pid)
            peak_rss = max(peak_rss, status.get("VmRSS", 0.0))
            samples += 1
            time.sleep(0.1)
        status = proc_status(pid)
        run.extra["vmhwm_mib"] = status.get("VmHWM", 0.0)
        run.extra["vmrss_end_mib"] = status.get("VmRSS", 0.0)
        run.extra["vmrss_peak_sampled_mib"] = max(peak_rss, status.get("VmRSS", 0.0))
        run.extra["samples"] = samples
        run.extra["connections_at_end"] = established_to(self.port)

    def rss_greenget(self, run: Run, urls: list[str], out: Path, home: Path, count: int,
                     hold: float) -> None:
        started = time.perf_counter()
        worker = WorkerProcess(home, environ=self.env, code_dir=self.code_dir)
        try:
            worker.send(protocol.SetOptions(max_active=count))
            pid = worker.proc.pid
            time.sleep(0.3)
            run.extra["idle_rss_mib"] = proc_status(pid).get("VmRSS", 0.0)
            worker.add(urls, out, connections=1)
            connected, took = self.wait_connections(count, worker.proc)
            run.extra["connected"], run.extra["seconds_to_connect"] = connected, round(took, 2)
            self.sample(run, pid, hold)
            worker.pump(0.3)  # take in the last progress events
            states = [d.state for d in worker.downloads.values()]
            run.extra["active_reported"] = states.count(protocol.State.DOWNLOADING)
            done = {Path(d.path): d.done for d in worker.downloads.values() if d.path}
            run.extra["bytes_done"] = sum(done.values())
            run.extra["worker_errors"] = [e.message for e in worker.errors()[:5]]
            usage_before = resource_children()
            run.rc = worker.shutdown(30.0)
            usage = resource_children() - usage_before
            run.user, run.sys = usage.user, usage.sys
            run.maxrss_mib = float(run.extra["vmhwm_mib"])  # type: ignore[arg-type]
        finally:
            worker.close()
        run.wall = time.perf_counter() - started
        if connected < count:
            run.ok, run.error = False, f"only {connected} of {count} connections opened"
        elif run.rc != 0:
            run.ok, run.error = False, f"worker exit status {run.rc}: {worker.log()[-800:]}"
        run.extra["_files"] = done

    def rss_aria2c(self, run: Run, command: list[str], count: int, hold: float) -> None:
        started = time.perf_counter()
        log_path = self.tmp / "tool.log"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log,
                                    stderr=subprocess.STDOUT, env=self.env, cwd=self.tmp)
        try:
            connected, took = self.wait_connections(count, proc)
            run.extra["connected"], run.extra["seconds_to_connect"] = connected, round(took, 2)
            self.sample(run, proc.pid, hold)
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)  # aria2c flushes its cache and stops
            killer = threading.Timer(20, proc.kill)
            killer.start()
            _pid, status, usage = os.wait4(proc.pid, 0)
            killer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        run.rc = proc.returncode
        run.user, run.sys, run.maxrss_mib = usage.ru_utime, usage.ru_stime, usage.ru_maxrss / 1024
        run.wall = time.perf_counter() - started
        if connected < count:
            run.ok, run.error = False, f"only {connected} of {count} connections opened"
        files = {p: p.stat().st_size for p in self.out.glob("r*.bin")}
        if run.ok and len(files) != count:
            run.ok, run.error = False, f"{len(files)} files, expected {count}"
        run.extra["_files"] = files

    def verify_prefixes(self, run: Run, files: dict[Path, int]) -> None:
        """The first ``n`` bytes of each file equal the served file's (downloads were
        stopped mid-way on purpose)."""
        data = self.rss_payload
        if data is None:
            return
        checked = 0
        for path, n in files.items():
            with open(path, "rb") as f:
                if f.read(n) != data[:n]:
                    run.ok, run.error = False, f"{path.name}: first {n} bytes differ"
                    return
            checked += n
        run.sha256_checked = True  # byte comparison, stronger than a digest
        run.extra["verified_bytes"] = checked

    # =========================================================== rounds and report

    def rounds(self, tools: list[Tool], one: Callable[[Tool, int], Run], warmup: bool) -> None:
        if not tools:
            print("  nothing to run")
            return
        load = os.getloadavg()[0]
        self.loads.append((f"case {self.current_case} start", load))
        print(f"  load average {load:.2f}" + ("  (busy machine: expect noise)" if load > 0.7
                                              else ""))
        for rnd in range(0 if warmup else 1, self.args.rounds + 1):
            shift = rnd % len(tools)
            for tool in tools[shift:] + tools[:shift]:  # ABC, BCA, CAB, ...
                waited = self.wait_quiet()
                try:
                    run = one(tool, rnd)
                except Exception as exc:  # e.g. a full disk: report it, keep going
                    run = Run(self.current_case, tool.name, rnd, ok=False,
                              error=f"{type(exc).__name__}: {exc}")
                    shutil.rmtree(self.out, ignore_errors=True)
                run.extra["waited_for_quiet_s"] = waited
                self.record(run)

    def summary(self) -> dict[str, object]:
        table: dict[str, object] = {}
        by_case: dict[int, dict[str, dict[str, object]]] = {}
        for run in self.runs:
            if run.round == 0:
                continue
            entry = by_case.setdefault(run.case, {}).setdefault(run.tool, {"runs": []})
            entry["runs"].append(run)  # type: ignore[union-attr]
        for case, tools in by_case.items():
            for entry in tools.values():
                runs: list[Run] = entry.pop("runs")  # type: ignore[assignment]
                good = [r for r in runs if r.ok]
                entry["runs"] = len(runs)
                entry["failed"] = len(runs) - len(good)
                entry["verified"] = any(r.sha256_checked for r in good)
                if not good:
                    continue
                entry["median"] = statistics.median(r.value for r in good)
                entry["min"] = min(r.value for r in good)
                entry["max"] = max(r.value for r in good)
                entry["cpu_s"] = statistics.median(r.user + r.sys for r in good)
                entry["wall_s"] = statistics.median(r.wall for r in good)
                entry["maxrss_mib"] = statistics.median(r.maxrss_mib for r in good)
                windows = [r.server_window for r in good if r.server_window]
                entry["server_s"] = statistics.median(windows) if windows else None
                rates = [r.extra.get("server_MBps") or r.extra.get("server_files_per_s")
                         for r in good]
                rates = [x for x in rates if x]
                entry["server_rate"] = statistics.median(rates) if rates else None  # type: ignore
                if case in (1, 6):
                    entry["cpu_s_per_gib"] = statistics.median(
                        (r.user + r.sys) / (r.bytes / GiB) for r in good)
                if case == 3:
                    entry["cpu_ms_per_file"] = statistics.median(
                        1000 * (r.user + r.sys) / r.files for r in good)
            table[str(case)] = tools
        return table

    def report(self, table: dict[str, object]) -> str:
        lines: list[str] = []
        add = lines.append
        size, lim = human(self.args.size), human(self.args.limited_size)
        small = f"{self.args.small_count} x {human(self.args.small_size)}"
        add("")
        add(f"Greenget bench — {datetime.datetime.now():%Y-%m-%d %H:%M}, {platform.node()}, "
            f"{os.cpu_count()} cores, Python {platform.python_version()}, "
            f"rounds {self.args.rounds}{' (quick)' if self.args.quick else ''}")
        code = self.code_before
        if self.args.code == "head":
            add(f"greenget code: commit {code['commit']} as committed (--code head; engine and "
                f"launcher last changed in {code['engine_commit']}), source "
                f"{code['source_sha256']}")
        else:
            add(f"greenget code: commit {code['commit']} + working tree (--code "
                f"{self.args.code}; uncommitted engine/launcher changes: "
                f"{code['uncommitted']}), source {code['source_sha256']}")
        if self.code_after["source_sha256"] != self.code_before["source_sha256"] and (
                self.args.code != "head" or self.code_after["commit"] != code["commit"]):
            if self.args.code == "live":
                add(f"WARNING: engine/launcher source changed during the run (now commit "
                    f"{self.code_after['commit']}, {self.code_after['source_sha256']}): the "
                    "runs mix versions; run again")
            else:
                add(f"(the repo's engine changed during the run, now commit "
                    f"{self.code_after['commit']}; this run measured the snapshot above)")
        add("medians of the measured rounds (tools interleaved, order rotated each round); "
            "ratio = greenget / tool, same run. MB = 10^6 bytes.")
        capped = human(self.args.capped_size)
        disk = self.disk_dir()
        aria8 = "aria2c -x8 -s8 -k1M"
        # (case shown, case measured, figure, title, unit, tool the goal names, goal,
        #  higher is better); goals from issue 14
        specs = [
            (1, 1, "median", f"1. {size}, 1 conn, into tmpfs", "MB/s", "curl", 1.0, True),
            (6, 6, "median", f"6. {size}, 1 conn, onto disk", "MB/s", "curl", 1.0, True),
            (4, 6, "cpu_s_per_gib", "4. CPU per GiB, case 6 (disk)", "s/GiB", "curl", 1.0,
             False),
            (4, 1, "cpu_s_per_gib", "4. CPU per GiB, case 1 (tmpfs)", "s/GiB", "curl", None,
             False),
            (7, 7, "median", f"7. {capped}, limit_rate {self.args.capped_rate}/conn, 8 conns",
             "MB/s", aria8, 1.0, True),
            (2, 2, "median", f"2. {lim}, limit_rate {self.args.limited_rate}/conn, 8 conns",
             "MB/s", aria8, 1.0, True),
            (3, 3, "median", f"3. {small} files, 16 at once", "files/s", "aria2c -j16", 1.0,
             True),
            (3, 3, "cpu_ms_per_file", "3. CPU per file, case 3", "ms", "aria2c -j16", None,
             False),
            (5, 5, "median", f"5. peak RSS, {self.args.rss_count} active", "MiB",
             "aria2c -j100", 1.5, False),
        ]
        add("")
        add(f"{'case (unit)':48} {'tool':20} {'median':>9} {'min..max':>15} {'ratio':>6}  "
            f"{'cpu s':>6} {'server':>7}")
        add("-" * 118)
        for case, source, key, title, unit, target_tool, target, higher in specs:
            tools: dict[str, dict[str, object]] = table.get(str(source), {})  # type: ignore
            if not tools or case not in self.args.case_list:
                continue
            ours_name = next((t for t in tools if t.startswith("greenget")), None)
            ours = tools.get(ours_name or "", {})
            ours_value = ours.get(key)
            first = True
            ordered = sorted(tools.items(), key=lambda item: item[0] != ours_name)
            for tool, entry in ordered:
                value = entry.get(key)
                label = f"{title} ({unit})" if first else ""
                first = False
                if value is None:
                    add(f"{label:48} {tool:20} {'failed':>9}")
                    continue
                spread = f"{entry['min']:.1f}..{entry['max']:.1f}" if key == "median" else ""
                ratio = ""
                if tool != ours_name and ours_value and value:
                    r = float(ours_value) / float(value)  # type: ignore[arg-type]
                    ratio = f"{r:.2f}"
                    if tool == target_tool and target is not None:
                        ratio += " ✓" if (r >= target if higher else r <= target) else " ✗"
                server = ""
                if case in (1, 2, 3, 6, 7) and key == "median" and entry.get("server_rate"):
                    server = f"{float(entry['server_rate']):.1f}"  # type: ignore[arg-type]
                cpu = f"{float(entry['cpu_s']):.2f}" if key == "median" else ""  # type: ignore
                fails = f"  ({entry['failed']} failed)" if entry.get("failed") else ""
                add(f"{label:48} {tool:20} {float(value):9.2f} {spread:>15} {ratio:>6}  "  # type: ignore
                    f"{cpu:>6} {server:>7}{fails}")
            add("")
        add(f"case 6 writes into {disk}" + (" (a tmpfs!)" if on_tmpfs(disk) else "")
            + f"; case 1 into {TMPFS}")
        add("ratio: higher is better for MB/s and files/s, lower is better for s/GiB, ms and "
            "MiB; ✓/✗ = issue 14's goal (≥1.0 x curl or aria2c; CPU per GiB ≤1.0 x curl; "
            "RSS ≤1.5 x aria2c).")
        add("cpu s = median user+sys of the tool's process (os.wait4), start-up included; "
            "server = the same metric over nginx's first-request-start..last-request-end "
            "window (no process start-up or exit).")
        idle = [float(r.extra["idle_rss_mib"]) for r in self.runs  # type: ignore[arg-type]
                if r.case == 5 and r.ok and "idle_rss_mib" in r.extra]
        if idle:
            self.notes.setdefault(5, []).append(
                f"greenget worker RSS before any download: {statistics.median(idle):.1f} MiB")
        others = [float(r.extra["others_cores"]) for r in self.runs  # type: ignore[arg-type]
                  if r.round > 0 and "others_cores" in r.extra]
        if others:
            add(f"other processes during the measured runs (cores busy, not the tool, not "
                f"nginx): median {statistics.median(others):.2f}, max {max(others):.2f}; "
                f"{self.noisy_waits} runs started without a quiet moment "
                f"(--quiet-wait {self.args.quiet_wait:g}s)"
                + ("  <- the machine was not idle; treat ratios with care"
                   if statistics.median(others) > 0.1 else ""))
        loads = ", ".join(f"{name.split()[1]}: {value:.2f}" for name, value in self.loads)
        add(f"load average (1 min) at each case's start: {loads}; end: "
            f"{os.getloadavg()[0]:.2f}")
        for case, notes in sorted(self.notes.items()):
            for text in notes:
                add(f"case {case}: {text}")
        for line in self.skipped:
            add(line)
        return "\n".join(lines)

    # =========================================================== main

    def main(self) -> int:
        args = self.args
        shown = ("the console script's code (gui.launcher.main) run by "
                 f"{sys.executable} from the snapshot" if self.args.code != "live"
                 else " ".join(self.greenget))
        print(f"temp dir {self.tmp} (device {os.stat(self.tmp).st_dev}); greenget = {shown}; "
              f"load average {os.getloadavg()[0]:.2f}")
        if os.getloadavg()[0] > 0.5:
            print("  warning: the machine is busy (load > 0.5); timings will be noisy")
        started = time.monotonic()
        load_before = os.getloadavg()
        self.code_before = code_version(self.code_dir)
        if self.args.code == "head":
            self.code_before["uncommitted"] = "not measured (--code head)"
        print(f"code: commit {self.code_before['commit']}, engine+launcher source "
              f"{self.code_before['source_sha256']}, uncommitted changes there: "
              f"{self.code_before['uncommitted']}; running "
              + {"live": "the installed greenget and the repo as they are (--code live)",
                 "head": f"a snapshot of HEAD taken now ({self.code_dir})",
                 "worktree": f"a snapshot of the working tree taken now ({self.code_dir})",
                 }[self.args.code])
        self.start_nginx()
        try:
            if 1 in args.case_list or 4 in args.case_list:
                self.current_case = 1
                self.case_big(1)
            if 6 in args.case_list or 4 in args.case_list:
                self.current_case = 6
                self.case_big(6)
            if 7 in args.case_list:
                self.current_case = 7
                self.case_limited(7)
            if 2 in args.case_list:
                self.current_case = 2
                self.case_limited(2)
            if 3 in args.case_list:
                self.current_case = 3
                self.case_small()
            if 5 in args.case_list:
                self.current_case = 5
                self.case_rss()
        finally:
            self.servers.close()
        table = self.summary()
        self.code_after = code_version()
        text = self.report(table)
        print(text)
        elapsed = time.monotonic() - started
        RESULTS.mkdir(parents=True, exist_ok=True)
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        out = RESULTS / f"{stamp}{'-quick' if args.quick else ''}.json"
        out.write_text(json.dumps({
            "when": datetime.datetime.now().isoformat(timespec="seconds"),
            "machine": machine_info(),
            "load_before": load_before, "load_after": os.getloadavg(), "loads": self.loads,
            "greenget_startup": self.startup,
            "elapsed_s": round(elapsed, 1),
            "options": {k: v for k, v in vars(args).items()},
            "greenget_command": self.greenget,
            "code_before": self.code_before, "code_after": self.code_after,
            "tool_versions": tool_versions(),
            "skipped": self.skipped,
            "notes": self.notes,
            "summary": table,
            "runs": [asdict(r) for r in self.runs],
            "table": text,
        }, indent=1, default=str))
        print(f"\n{len(self.runs)} runs in {elapsed:.0f}s; results: {out.relative_to(REPO)}")
        shutil.rmtree(self.tmp, ignore_errors=True)
        failed = [r for r in self.runs if not r.ok]
        return 1 if failed else 0


ARIA2_COMMON = ["-q", "--file-allocation=none", "--allow-overwrite=true",
                "--auto-file-renaming=false", "--summary-interval=0", "--no-conf"]


# ----------------------------------------------------------------------------- helpers


class _Usage:
    def __init__(self, user: float, sys_: float) -> None:
        self.user, self.sys = user, sys_

    def __sub__(self, other: _Usage) -> _Usage:
        return _Usage(self.user - other.user, self.sys - other.sys)


def resource_children() -> _Usage:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return _Usage(usage.ru_utime, usage.ru_stime)


def child_env(code_dir: Path) -> dict[str, str]:
    """The environment for every tool: no proxies (loopback only), quiet greenget,
    greenget's code from ``code_dir`` first."""
    env = {k: v for k, v in os.environ.items() if k.lower() not in PROXY_VARS}
    env["NO_PROXY"] = env["no_proxy"] = f"{HOST},localhost"
    env["GREENGET_LOG_LEVEL"] = "WARNING"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(code_dir), env.get("PYTHONPATH")]))
    return env


CODE_PATHS = ("engine", "gui/__init__.py", "gui/launcher.py")


def snapshot_code(target: Path, head: bool) -> Path:
    """engine/ and the launcher into ``target``: as committed at HEAD (``head``), or
    as they are in the working tree; byte-compiled, as an installed Greenget is."""
    target.mkdir(parents=True)
    if head:
        archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", "HEAD",
                                  *CODE_PATHS], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    else:
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        shutil.copytree(REPO / "engine", target / "engine", ignore=ignore)
        (target / "gui").mkdir()
        for name in CODE_PATHS[1:]:
            shutil.copy2(REPO / name, target / name)
    # pip and the frozen build install .pyc files; without them every run would
    # compile engine/ again when PYTHONDONTWRITEBYTECODE is set (+30 % start-up CPU).
    compileall.compile_dir(target, quiet=1)
    return target


LAUNCHER = ("import sys; from gui.launcher import main; sys.argv[0] = 'greenget'; "
            "sys.exit(main())")  # what the `greenget` console script does


def greenget_command(live: bool) -> list[str]:
    if not live:
        return [sys.executable, "-c", LAUNCHER]  # the snapshot, through PYTHONPATH
    beside = Path(sys.executable).with_name("greenget")
    if beside.is_file():
        return [str(beside)]  # the console script itself, without a pyenv shim in front
    found = shutil.which("greenget")
    if found:
        return [found]
    return [sys.executable, "-m", "engine.cli"]  # same code as `greenget get`


def established_to(port: int) -> int:
    """Established client connections to ``HOST:port`` (from /proc/net/tcp)."""
    wanted = f"{port:04X}"
    count = 0
    with contextlib.suppress(OSError), open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            parts = line.split()
            if parts[3] == "01" and parts[2].endswith(":" + wanted):
                count += 1
    return count


TICK = os.sysconf("SC_CLK_TCK")


def machine_busy() -> float:
    """CPU seconds the whole machine has spent busy (all cores, from /proc/stat)."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal ...
    return (sum(fields[:3]) + sum(fields[5:8])) / TICK


def process_cpu(pids: list[int]) -> float:
    """CPU seconds used so far by ``pids`` (from /proc/PID/stat)."""
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rpartition(")")[2].split()
            total += (int(fields[11]) + int(fields[12])) / TICK
    return total


def children_of(parent: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError), \
                    open(f"/proc/{entry}/stat") as f:
                if int(f.read().rpartition(")")[2].split()[1]) == parent:
                    found.append(int(entry))
    return found


def proc_status(pid: int) -> dict[str, float]:
    """VmRSS / VmHWM and friends of ``pid`` in MiB."""
    values: dict[str, float] = {}
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("Vm"):
                key, _, rest = line.partition(":")
                parts = rest.split()
                if parts and parts[-1] == "kB":
                    values[key] = int(parts[0]) / 1024
    return values


def sha256_file(path: Path, limit: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        left = limit
        while left > 0 and (block := f.read(min(left, 4 * MiB))):
            digest.update(block)
            left -= len(block)
    return digest.hexdigest()


def human(size: int) -> str:
    for unit, scale in (("GiB", GiB), ("MiB", MiB), ("KiB", KiB)):
        if size >= scale:
            value = size / scale
            return f"{value:g} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{size} B"


def tool_versions() -> dict[str, str]:
    versions = {}
    for tool, flag in (("curl", "--version"), ("wget", "--version"), ("aria2c", "--version"),
                       ("axel", "--version"), ("nginx", "-v")):
        path = shutil.which(tool) or (find_nginx() if tool == "nginx" else None)
        if not path:
            versions[tool] = "not installed"
            continue
        result = subprocess.run([path, flag], capture_output=True, text=True)
        text = (result.stdout or result.stderr).strip().splitlines()
        versions[tool] = text[0] if text else "?"
    return versions


def code_version(root: Path = REPO) -> dict[str, str]:
    """The repo's commit and a digest of the code under ``root`` (engine/, launcher)."""
    digest = hashlib.sha256()
    for path in [*sorted((root / "engine").rglob("*.py")), root / "gui" / "launcher.py"]:
        with contextlib.suppress(OSError):
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--",
                            *CODE_PATHS], capture_output=True, text=True).stdout.strip()
    engine_commit = subprocess.run(["git", "-C", str(REPO), "log", "-1", "--format=%h", "HEAD",
                                    "--", *CODE_PATHS], capture_output=True, text=True)
    return {"commit": commit or "?", "engine_commit": engine_commit.stdout.strip() or "?",
            "source_sha256": digest.hexdigest()[:16],
            "uncommitted": f"{len(dirty.splitlines())} files" if dirty else "none"}


def on_tmpfs(path: Path) -> bool:
    """True when ``path`` is on a file system held in memory (tmpfs, ramfs)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        return in_memory(fd)
    finally:
        os.close(fd)


def machine_info() -> dict[str, object]:
    model = ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as f:
        model = next((line.split(":", 1)[1].strip() for line in f
                      if line.startswith("model name")), "")
    return {"node": platform.node(), "kernel": platform.release(), "cpu": model,
            "cores": os.cpu_count(), "python": platform.python_version()}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=None,
                        help="measured runs per tool and case (default 5; 2 with --quick)")
    parser.add_argument("--size", type=parse_size, default=None,
                        help="case 1 file size (default 1G; 64M with --quick)")
    parser.add_argument("--limited-size", type=parse_size, default=None,
                        help="case 2 file size (default 1G; 32M with --quick)")
    parser.add_argument("--limited-rate", default="8m",
                        help="case 2 nginx limit_rate per connection (default 8m)")
    parser.add_argument("--capped-size", type=parse_size, default=None,
                        help="case 7 file size (default 50M; 16M with --quick)")
    parser.add_argument("--capped-rate", default="1m",
                        help="case 7 nginx limit_rate per connection (default 1m)")
    parser.add_argument("--disk-dir", default=None,
                        help="case 6 destination folder on a disk (default: the temp folder "
                             "if it is not a tmpfs, else bench/results/)")
    parser.add_argument("--rate", default="2m",
                        help="case 5 nginx limit_rate per connection (default 2m)")
    parser.add_argument("--curl-seconds", type=float, default=None,
                        help="case 2: stop the single-connection curl after this many "
                             "seconds (default 10; 2 with --quick)")
    parser.add_argument("--small-count", type=int, default=None,
                        help="case 3 file count (default 1000; 200 with --quick)")
    parser.add_argument("--small-size", type=parse_size, default=64 * KiB,
                        help="case 3 file size (default 64K)")
    parser.add_argument("--rss-count", type=int, default=100,
                        help="case 5 downloads active at once (default 100)")
    parser.add_argument("--rss-size", type=parse_size, default=32 * MiB,
                        help="case 5 file size (default 32M; one file, hard-linked)")
    parser.add_argument("--rss-hold", type=float, default=None,
                        help="case 5 seconds to sample once all are connected "
                             "(default 5; 1 with --quick)")
    parser.add_argument("--quiet-wait", type=float, default=None,
                        help="before each run, wait up to this many seconds for a half second "
                             "in which the machine is idle (default 5; 1 with --quick)")
    parser.add_argument("--code", choices=("head", "worktree", "live"), default="head",
                        help="which greenget to measure: a snapshot of engine/ and the "
                             "launcher as committed at HEAD (default) or as in the working "
                             "tree, taken at start so edits during the run cannot mix "
                             "versions; or 'live': the installed `greenget` command")
    parser.add_argument("--cases", default="1,2,3,4,5,6,7",
                        help="comma-separated case numbers (default all: 1,2,3,4,5,6,7)")
    parser.add_argument("--seed", type=int, default=0,
                        help="cases 2 and 7: seed of the random start phases (default 0)")
    parser.add_argument("--quick", action="store_true",
                        help="a ~1 minute smoke version with small sizes and 2 rounds")
    args = parser.parse_args(argv)
    quick = args.quick
    defaults = {"rounds": (5, 2), "size": (GiB, 64 * MiB), "limited_size": (GiB, 32 * MiB),
                "capped_size": (50 * MiB, 16 * MiB),
                "curl_seconds": (10.0, 2.0), "small_count": (1000, 200), "rss_hold": (5.0, 1.0),
                "quiet_wait": (5.0, 1.0)}
    for name, (full, short) in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, short if quick else full)
    try:
        args.case_list = sorted({int(c) for c in args.cases.split(",") if c.strip()})
    except ValueError:
        parser.error(f"--cases takes numbers like 1,3,5, not {args.cases!r}")
    if not set(args.case_list) <= set(CASE_TITLES):
        parser.error(f"cases are 1 to {max(CASE_TITLES)}")
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    bench = Bench(parse_args(argv))
    try:
        return bench.main()
    except KeyboardInterrupt:
        print("\ninterrupted")
        return 130
    finally:
        bench.servers.close()
        shutil.rmtree(bench.tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
