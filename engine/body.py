"""Reading a response body into one reusable buffer per connection.

``urllib3``'s ``read1`` returns a new ``bytes`` for every read: with glibc's mmap
threshold pinned (:mod:`engine.limits`), each 1 MiB read was an ``mmap``, page
faults and a ``munmap`` (1,043 ``munmap``s for 1 GiB).  Here the body is read
with ``readinto`` straight from the socket into an anonymous mapping that the
connection keeps for its life, so there is neither an allocation nor a copy per
read.  A slow connection reads little at a time; when it settles to small reads
the pages past what it uses are given back (``MADV_DONTNEED``), so a hundred
throttled downloads do not each hold a megabyte.

Encoded bodies (``Content-Encoding``) and responses that are not
``http.client`` ones still go through urllib3's decoding ``read1``.
"""

from __future__ import annotations

import http.client
import mmap
from collections.abc import Callable

import requests

PAGE = mmap.PAGESIZE
READ_BUDGET = 4 * 1024 * 1024  # read buffers of all connections together, at most
SMALLEST_SHARE = 64 * 1024


class ReadBudget:
    """Shares :data:`READ_BUDGET` among the open connections, so a hundred
    downloads at once hold ~64 KiB of buffer each (aria2c's peak RSS for
    them is 39 MiB) while one fast connection reads a megabyte at a time."""

    def __init__(self, total: int = READ_BUDGET) -> None:
        self.total = total
        self.connections = 0

    def share(self) -> int:
        """The most one connection should read at a time now."""
        return max(SMALLEST_SHARE, self.total // max(1, self.connections))


class ReadBuffer:
    """One connection's read buffer: an anonymous mapping of ``size`` bytes,
    whose pages are only resident once used; counted in ``budget`` while open
    (use it as a context manager)."""

    def __init__(self, size: int, budget: ReadBudget) -> None:
        self.size = size
        self.budget = budget
        self._map = mmap.mmap(-1, size)
        self.view = memoryview(self._map)
        self._resident = 0  # bytes from the start that may hold pages

    def __enter__(self) -> ReadBuffer:
        self.budget.connections += 1
        return self

    def __exit__(self, *_exc: object) -> None:
        self.budget.connections -= 1

    def share(self) -> int:
        """The most to read at a time (never more than the buffer holds)."""
        return min(self.size, self.budget.share())

    def used(self, count: int) -> None:
        """Note that the first ``count`` bytes were written (hence resident)."""
        if count > self._resident:
            self._resident = count

    def trim(self, keep: int) -> None:
        """Give the pages past the first ``keep`` bytes back to the system."""
        keep = -(-keep // PAGE) * PAGE
        if self._resident > keep and hasattr(mmap, "MADV_DONTNEED"):
            self._map.madvise(mmap.MADV_DONTNEED, keep, self.size - keep)
            self._resident = keep


def body_reader(response: requests.Response, buffer: ReadBuffer,
                decode: bool) -> Callable[[int], memoryview | bytes]:
    """A function reading up to ``n`` bytes of the body (``b""`` or an empty
    view at its end).  Without ``decode`` it reads into ``buffer`` and returns
    a view of it, valid until the next read."""
    raw = response.raw
    body = getattr(raw, "_fp", None)
    if decode or not isinstance(body, http.client.HTTPResponse):
        return lambda n: raw.read1(n, decode_content=decode)
    view = buffer.view

    def read(n: int) -> memoryview:
        got = body.readinto(view[:n])
        buffer.used(got)
        if body.isclosed():  # the whole body is in: the connection can serve again
            raw.release_conn()
        return view[:got]

    return read
