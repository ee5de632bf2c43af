"""The Qt binding keeps its references to None and True.

PySide6 6.12.0 drops a reference to ``None`` each time a method returns nothing
and to ``True`` each time a ``Signal(bool)`` emits it: harmless on Python 3.12+,
where these objects are immortal, but on 3.11 the interpreter aborts within
seconds of painting a busy table. pyproject.toml excludes that release; this
test says so plainly (instead of an abort) if a binding with the defect is
ever installed.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, QSize, Signal


class _Probe(QObject):
    flag = Signal(bool)


def test_the_binding_keeps_its_references_to_none_and_true() -> None:
    size, probe = QSize(), _Probe()
    probe.flag.connect(lambda _value: None)
    before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(64):
        size.setWidth(1)
        probe.flag.emit(True)
    after = sys.getrefcount(None), sys.getrefcount(True)
    assert after[0] >= before[0] and after[1] >= before[1], (
        "this PySide6 drops references to None/True (as 6.12.0 does); pin it out in pyproject.toml")
