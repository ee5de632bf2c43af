"""Where Greenget keeps its state (the worker's store and the GUI's log)."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "greenget"


def state_dir() -> Path:
    """``$GREENGET_HOME`` if set, else the platform's user data folder (the
    same folder the worker uses)."""
    configured = os.environ.get("GREENGET_HOME")
    if configured:
        return Path(configured).expanduser()
    import platformdirs  # light, and only needed here

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
