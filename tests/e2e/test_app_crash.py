"""SIGKILL of the whole app (window and worker) mid-download, then a relaunch."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.gui.test_engine_client import _alive
from tests.servers.payload import sha256_of

ROOT = Path(__file__).resolve().parents[2]
MB = 1_000_000


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def launch(env: dict[str, str], *urls: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "gui", *urls], env=env, cwd=ROOT, start_new_session=True,
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def worker_pids(log: Path) -> list[int]:
    text = log.read_text() if log.exists() else ""
    return [int(pid) for pid in re.findall(r"worker started, pid (\d+)", text)]


@pytest.mark.timeout(120)
def test_killing_the_whole_app_loses_nothing(tmp_path, state_home, fault_server, sha256) -> None:
    home = tmp_path / "home"
    env = {
        **os.environ,
        "HOME": str(home),  # settings and a Downloads folder of this test's own
        "XDG_CONFIG_HOME": str(home / ".config"),
        "GREENGET_HOME": str(state_home),
        "QT_QPA_PLATFORM": "offscreen",
    }
    env.pop("XDG_DOWNLOAD_DIR", None)
    downloads = home / "Downloads"
    tag = time.monotonic_ns()
    files = {  # name → (size, seed, extra query)
        "segmented.bin": (6 * MB, 41, {"throttle": 150_000}),  # 8 connections, resumable
        "stream.bin": (1_500_000, 42, {"throttle": 400_000, "ranges": 0}),  # starts over
        "small.bin": (200_000, 43, {}),  # done before the kill; must stay done
    }
    urls = {
        name: fault_server.data_url(size, name=name, seed=seed, key=f"{name}-{tag}", **extra)
        for name, (size, seed, extra) in files.items()
    }
    log = state_home / "greenget-gui.log"
    fault_server.reset()

    app = launch(env, *urls.values())
    try:
        wait_for(lambda: (downloads / "small.bin").exists(), 30, "the small file")
        wait_for(lambda: fault_server.stats()["bytes_sent"] > 2_500_000, 30, "2.5 MB sent")
        time.sleep(1.2)  # past a checkpoint of the store, so there is progress to resume
        [worker] = worker_pids(log)
        assert not (downloads / "segmented.bin").exists()  # mid-download
        for pid in (worker, app.pid):  # each runs in a process group of its own
            os.killpg(os.getpgid(pid), signal.SIGKILL)
        assert app.wait(timeout=10) == -signal.SIGKILL
        wait_for(lambda: not _alive(worker), 10, "the worker to die")
    finally:
        if app.poll() is None:
            app.kill()

    sent_before = fault_server.stats()["bytes_sent"]
    again = launch(env)  # no URLs: the queue comes back from the worker's store
    try:
        wait_for(
            lambda: all((downloads / name).exists() for name in files)
            and not list(downloads.glob("*.part")),
            60,
            "every file to complete after the relaunch",
        )
        assert len(worker_pids(log)) == 2 and _alive(worker_pids(log)[1])
    finally:
        again.send_signal(signal.SIGTERM)
        assert again.wait(timeout=30) == 0
    for name, (size, seed, _extra) in files.items():
        assert sha256(downloads / name) == sha256_of(size, seed=seed), name
    assert sorted(p.name for p in downloads.iterdir()) == sorted(files)  # no duplicates
    refetched = fault_server.stats()["bytes_sent"] - sent_before
    total = sum(size for size, _seed, _extra in files.values())
    print(f"\nbytes fetched after the relaunch: {refetched} of {total}")
    # The segmented file resumed from its checkpoint; only the stream started over.
    assert refetched < 6 * MB + 1_500_000 - 1_000_000
