"""Shared test set-up: offscreen Qt, isolated state folders, the test servers."""

from __future__ import annotations

import os

# Without a display Qt aborts the whole pytest process; set before any Qt import.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
