"""Work-arounds for defects of the Qt binding that would otherwise crash us."""

from __future__ import annotations

import ctypes
import logging
import sys

from PySide6.QtCore import QSize

log = logging.getLogger(__name__)

_PROBE_CALLS = 64
_IMMORTAL = 1 << 40  # decrements it would take to free None: more than a lifetime of calls


def none_refcount_leaks() -> bool:
    """True if calling a binding method that returns nothing drops a reference
    to ``None``.  PySide6 6.12.0 does (11.3 does not): harmless on Python 3.12+,
    where ``None`` is immortal, but on 3.11 the interpreter aborts with
    "deallocating None" after a few thousand calls, i.e. within seconds of
    painting a busy table."""
    size = QSize()
    before = sys.getrefcount(None)
    for _ in range(_PROBE_CALLS):
        size.setWidth(1)
    return sys.getrefcount(None) < before


def protect_none() -> None:
    """If the binding leaks references to ``None``, make ``None`` immortal, as
    Python 3.12 does for every interpreter (PEP 683)."""
    if sys.version_info >= (3, 12) or not none_refcount_leaks():
        return
    log.warning("this Qt binding drops references to None; making None immortal")
    refcount = ctypes.c_ssize_t.from_address(id(None))
    refcount.value += _IMMORTAL
