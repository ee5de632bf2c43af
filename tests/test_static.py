"""The style rules that tools check: mypy on the code, ruff on everything."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, check=False)


def test_mypy_finds_no_errors_in_engine_and_gui() -> None:
    result = _run("mypy", "engine", "gui")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_ruff_finds_nothing() -> None:
    result = _run("ruff", "check", "engine", "gui", "tests", "bench", "scripts", "docs")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
