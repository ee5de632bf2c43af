"""SIGKILL the worker at random moments during 20 downloads, round after round.

Every file must end byte-identical, no download may vanish from the queue,
and the bytes fetched again after each kill (counted at the server) stay
within about a checkpoint interval of traffic.  Bounded: 30 s by default;
set GREENGET_SOAK_SECONDS for a longer soak and GREENGET_SOAK_SEED to replay.
"""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

from engine import protocol as p
from tests.engine.conftest import sha256
from tests.servers.payload import sha256_of
from tests.worker_client import WorkerProcess

MiB = 1 << 20
RATE = 256 * 1024  # per connection, so downloads are mid-way when killed
SETTINGS = p.SetOptions(max_active=20, read_timeout=5, retry_delay=0.05, retry_delay_max=0.3)


def test_random_sigkills_never_lose_or_corrupt_a_download(home: Path, fault_server,
                                                          downloads: Path) -> None:
    seconds = float(os.environ.get("GREENGET_SOAK_SECONDS", "30"))
    seed = int(os.environ.get("GREENGET_SOAK_SEED", time.time_ns() % 10**6))
    rng = random.Random(seed)
    print(f"soak: {seconds:.0f} s, seed {seed}")
    stamp = time.monotonic_ns()
    plan = ([(12 * MiB, 4, {}) for _ in range(8)] + [(4 * MiB, 1, {}) for _ in range(8)]
            + [(MiB, 1, {"ranges": 0}) for _ in range(4)])
    fault_server.reset()
    worker = WorkerProcess(home, settings=SETTINGS)
    expected: dict[int, int] = {}
    for index, (size, connections, extra) in enumerate(plan):
        url = fault_server.data_url(size, f"soak{index}.bin", throttle=RATE, seed=index,
                                    key=f"soak-{stamp}-{index}", **extra)
        (download_id,) = worker.add([url], downloads, connections=connections)
        expected[download_id] = index

    rounds = 0
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            time.sleep(rng.uniform(0.3, 2.5))
            if all(d.state is p.State.COMPLETED for d in worker.downloads.values()):
                break
            worker.kill()
            rounds += 1
            worker = WorkerProcess(home, settings=SETTINGS)
            assert set(worker.downloads) == set(expected), "a download vanished"
        for download_id in expected:
            info = worker.wait_state(download_id, p.State.COMPLETED, p.State.FAILED,
                                     timeout=180)
            assert info.state is p.State.COMPLETED, info.error
    finally:
        worker.close()
    print(f"soak: {rounds} kills")
    assert rounds >= 3

    for index in expected.values():
        size = plan[index][0]
        path = downloads / f"soak{index}.bin"
        assert path.stat().st_size == size
        assert sha256(path) == sha256_of(size, index), f"soak{index}.bin differs"
    assert sorted(os.listdir(downloads)) == sorted(f"soak{i}.bin" for i in range(len(plan)))

    log = fault_server.stats()["log"]
    resumable = sum(r["bytes"] for r in log if "ranges=0" not in r["path"])
    resumable_size = sum(size for size, _, extra in plan if not extra)
    refetched = resumable - resumable_size
    connections = sum(c for _, c, extra in plan if not extra)
    allowance = rounds * 1.5 * connections * RATE  # a checkpoint interval, plus slack
    print(f"soak: re-fetched {refetched / MiB:.1f} MiB over {rounds} kills "
          f"(allowed {allowance / MiB:.1f} MiB)")
    assert refetched <= allowance
