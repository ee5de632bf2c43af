"""One worker carries 2,000 simultaneous connections (250 downloads x 8).

gevent's epoll loop has no select() ceiling of 1,024 descriptors; the worker
raises its own open-file limit.  The test counts the worker's open sockets.
"""

from __future__ import annotations

import os
import resource
import time
from pathlib import Path

import pytest

from engine import protocol as p
from tests.worker_client import WorkerProcess

MiB = 1 << 20
DOWNLOADS = 250
CONNECTIONS = 8


def open_sockets(pid: int) -> int:
    count = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:"):
                count += 1
        except OSError:
            continue
    return count


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc to count sockets")
def test_one_worker_carries_two_thousand_connections(home: Path, fault_server,
                                                      downloads: Path) -> None:
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    if hard != resource.RLIM_INFINITY and hard < 4096:
        pytest.skip(f"the hard open-file limit here is {hard}")
    worker = WorkerProcess(home, settings=p.SetOptions(max_active=DOWNLOADS,
                                                       connections=CONNECTIONS,
                                                       read_timeout=60))
    try:
        urls = [fault_server.data_url(8 * MiB, f"s{i}.bin", throttle=8192)
                for i in range(DOWNLOADS)]
        ids = worker.add(urls, downloads)
        assert len(ids) == DOWNLOADS
        most = 0
        deadline = time.monotonic() + 90
        while most < DOWNLOADS * CONNECTIONS and time.monotonic() < deadline:
            time.sleep(0.5)
            most = max(most, open_sockets(worker.proc.pid))
        assert most >= DOWNLOADS * CONNECTIONS, f"at most {most} sockets open at once"
        worker.send(p.Pause(all=True))
        worker.wait_until(lambda: all(worker.downloads.get(i) is not None and
                                      worker.downloads[i].state is p.State.PAUSED
                                      for i in ids), timeout=60, what="all paused")
        assert not [d for d in worker.downloads.values() if d.state is p.State.FAILED]
        assert worker.proc.poll() is None
        worker.send(p.Remove(ids=tuple(ids), delete_files=True))
        worker.expect(p.Removed, timeout=60)
        assert list(downloads.iterdir()) == []
    finally:
        worker.close()
