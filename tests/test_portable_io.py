"""The engine's tests again, with the portable I/O fallbacks forced on.

No Windows machine runs this suite, so the Windows path of ``engine/diskio.py``
(seek-and-write under a lock, ``fsync``, rename after a check, no rlimit) is
exercised here instead: the engine tests run a second time in a child pytest
with ``GREENGET_PORTABLE_IO=1``, which every worker they start inherits.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine import diskio

ROOT = Path(__file__).resolve().parent.parent
# Left out: modules whose subject never reaches the disk (pure functions, the
# JSON-RPC envelope and its clients, pairing, TLS), and test_diskio.py, which
# runs both implementations itself.
NOT_ABOUT_THE_DISK = (
    "test_aria2_rpc.py", "test_aria2c_differential.py", "test_aria2p_client.py",
    "test_decisions.py", "test_diskio.py", "test_fuzz.py", "test_http_helpers.py",
    "test_monkey.py", "test_origins.py", "test_pairing.py",
    "test_rpc_clients.py", "test_segments_and_limits.py", "test_tls.py",
)


@pytest.mark.slow
@pytest.mark.timeout(1800)
@pytest.mark.skipif(os.environ.get(diskio.PORTABLE_ENV) == "1",
                    reason="already the portable run")
def test_engine_suite_passes_with_the_portable_fallbacks(tmp_path: Path) -> None:
    env = {**os.environ, diskio.PORTABLE_ENV: "1"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "--basetemp", str(tmp_path / "t"), "tests/engine",
         *(f"--ignore=tests/engine/{name}" for name in NOT_ABOUT_THE_DISK)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1750, check=False)
    tail = "\n".join((result.stdout + result.stderr).splitlines()[-40:])
    assert result.returncode == 0, f"the engine tests failed with portable I/O:\n{tail}"
    assert " passed" in result.stdout
