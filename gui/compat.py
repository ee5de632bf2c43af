"""Work-arounds for defects of the Qt binding that would otherwise crash us."""

from __future__ import annotations

import ctypes
import logging
import sys

from PySide6.QtCore import QObject, QSize, Signal

log = logging.getLogger(__name__)

_PROBE_CALLS = 64
_IMMORTAL = 1 << 40  # decrements it would take to free one: more than a lifetime of calls
_SINGLETONS = (None, True, False)


class _Probe(QObject):
    flag = Signal(bool)


def singleton_refcounts_leak() -> bool:
    """True if the binding drops references to ``None`` (a method returning
    nothing) or ``True`` (a ``Signal(bool)`` emitting it).

    PySide6 6.12.0 does both (6.11.3 does neither): harmless on Python 3.12+,
    where these objects are immortal, but on 3.11 the interpreter aborts with
    "deallocating None" / "deallocating True or False" after a few thousand
    calls, that is within seconds of painting a busy table."""
    size = QSize()
    probe = _Probe()
    probe.flag.connect(lambda _value: None)
    before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(_PROBE_CALLS):
        size.setWidth(1)
        probe.flag.emit(True)
    after = sys.getrefcount(None), sys.getrefcount(True)
    return after[0] < before[0] or after[1] < before[1]


def protect_singletons() -> None:
    """If the binding leaks references to ``None``, ``True`` or ``False``,
    make them immortal, as Python 3.12 does for every interpreter (PEP 683)."""
    if sys.version_info >= (3, 12) or not singleton_refcounts_leak():
        return
    log.warning("this Qt binding drops references to None/True/False; making them immortal")
    for singleton in _SINGLETONS:
        ctypes.c_ssize_t.from_address(id(singleton)).value += _IMMORTAL
