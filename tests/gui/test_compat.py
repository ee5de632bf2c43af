"""The guard against the binding's reference leaks on None/True (see gui.compat)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QSize

from gui.compat import _Probe


def test_none_and_true_survive_many_leaky_calls() -> None:
    # conftest called protect_singletons(); without it, a leaking binding
    # aborts the interpreter long before the end of this loop on Python 3.11.
    probe = _Probe()
    probe.flag.connect(lambda _value: None)
    size = QSize()
    for _ in range(100_000):
        size.setWidth(1)
        probe.flag.emit(True)
    assert sys.getrefcount(None) > 0 and sys.getrefcount(True) > 0
