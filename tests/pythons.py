"""Interpreters on this machine other than the one running the tests."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def old_python() -> Path | None:
    """A real Python older than 3.11 (pyenv's or on PATH), if this machine has one."""
    candidates = sorted(Path.home().glob(".pyenv/versions/3.[0-9]*/bin/python3.[0-9]*"))
    candidates += [Path(p) for p in map(shutil.which, ("python3.10", "python3.9")) if p]
    for path in candidates:
        if path.name in ("python3.8", "python3.9", "python3.10") and os.access(path, os.X_OK):
            return path
    return None
