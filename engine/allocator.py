"""glibc's allocator, tuned for both processes (standard library only).

The worker and the window both free big buffers in bursts (read buffers; the
lines of a 10,000-download snapshot and their decoded rows), which glibc keeps
in its heap unless told otherwise.
"""

from __future__ import annotations

import ctypes
import functools
import logging
import sys

log = logging.getLogger(__name__)

M_MMAP_THRESHOLD = -3  # glibc's mallopt() parameter
BIG_BUFFER = 256 * 1024


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt  # noqa: B018  # musl has no mallopt / malloc_trim
        libc.malloc_trim  # noqa: B018
    except (OSError, AttributeError):
        log.debug("not glibc; leaving the allocator as it is")
        return None
    return libc


def keep_big_buffers_out_of_the_heap() -> None:
    """Pin glibc's mmap threshold so read buffers (up to 1 MiB each) are mapped
    and unmapped instead of fragmenting the heap.  glibc raises the threshold
    after the first big free; then 100 active downloads held 218 MiB of RSS,
    with it pinned 110 MiB (measured with 100 throttled downloads from nginx)."""
    libc = _glibc()
    if libc is not None:
        libc.mallopt(M_MMAP_THRESHOLD, BIG_BUFFER)


def give_back_free_memory() -> None:
    """Return the heap's free pages to the system (``malloc_trim``): after a
    burst, what was freed stops counting in the process's resident memory."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)
