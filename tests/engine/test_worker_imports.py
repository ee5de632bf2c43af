"""The worker does not load what only a few downloads need.

Every loaded module stays in the worker's memory, which the 100-download RSS
goal (issue 14, at most 1.5 x aria2c's) counts: cryptography's OpenSSL bindings and
m3u8 added 8.5 MiB to the idle worker until hls.py imported them where a
playlist is parsed or a fragment decrypted.
"""

from __future__ import annotations

import subprocess
import sys

from tests.servers.harness import REPO_ROOT

ONLY_WHEN_NEEDED = ("cryptography", "m3u8")


def test_starting_the_worker_loads_no_stream_or_cipher_package() -> None:
    probe = ("import sys; from engine.monkey import patch_all; patch_all(); "
             "import engine.worker, engine.cli; "
             f"print(' '.join(m for m in {ONLY_WHEN_NEEDED!r} if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
