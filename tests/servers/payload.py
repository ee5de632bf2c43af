"""Deterministic pseudo-random file contents shared by the test servers and the tests.

The content of a test file is fixed by its ``(size, seed)`` pair:

* ``size <= DIRECT_LIMIT`` (64 MiB): ``random.Random(seed).randbytes(size)``.
* larger sizes: one random block ``B = random.Random(seed).randbytes(BLOCK_SIZE)``
  (16 MiB) is repeated, block ``i`` of the file being ``B`` rotated left by
  ``(i * 2654435761) % BLOCK_SIZE`` bytes. The rotations are distinct for every block,
  so the file is not periodic: a segment written at a wrong multiple of 16 MiB (or at
  most other wrong offsets) changes the SHA-256. Generation costs one 16 MiB block,
  whatever the size.

:func:`iter_range` yields zero-copy views of cached blocks, which is how the server
sends bodies and how :func:`sha256_of` and the nginx fixture hash or write large files
without holding them whole. :func:`payload` materialises the bytes (for big sizes
that is a real copy of ``size`` bytes: prefer :func:`sha256_of` / :func:`iter_range`).

Standard library only, so any test can import it.
"""

from __future__ import annotations

import hashlib
import logging
import random
import threading
from collections import OrderedDict
from collections.abc import Iterator
from functools import lru_cache

log = logging.getLogger(__name__)

MiB = 1024 * 1024
BLOCK_SIZE = 16 * MiB
DIRECT_LIMIT = 64 * MiB
_ROTATION_MULTIPLIER = 2654435761  # odd, so block rotations are distinct modulo 2**24
_CACHE_BUDGET = 512 * MiB


class _BlockCache:
    """Random blocks by ``(seed, length)``, least recently used dropped past a byte budget."""

    def __init__(self, budget: int) -> None:
        self._budget = budget
        self._used = 0
        self._blocks: OrderedDict[tuple[int, int], bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, seed: int, length: int) -> bytes:
        key = (seed, length)
        with self._lock:
            block = self._blocks.get(key)
            if block is not None:
                self._blocks.move_to_end(key)
                return block
        block = random.Random(seed).randbytes(length)
        log.debug("generated %d random bytes for seed %d", length, seed)
        with self._lock:
            if key not in self._blocks:
                self._blocks[key] = block
                self._used += length
            while self._used > self._budget and len(self._blocks) > 1:
                _, dropped = self._blocks.popitem(last=False)
                self._used -= len(dropped)
        return block


_cache = _BlockCache(_CACHE_BUDGET)


def _check(size: int, start: int, end: int) -> None:
    if size < 0:
        raise ValueError(f"negative size {size}")
    if not 0 <= start <= end <= size:
        raise ValueError(f"range [{start}, {end}) outside a file of {size} bytes")


def iter_range(
    size: int, seed: int = 0, start: int = 0, end: int | None = None
) -> Iterator[memoryview]:
    """Yield read-only views covering bytes ``[start, end)`` of the ``(size, seed)`` file."""
    stop = size if end is None else end
    _check(size, start, stop)
    if start == stop:
        return
    if size <= DIRECT_LIMIT:
        yield memoryview(_cache.get(seed, size))[start:stop]
        return
    block = memoryview(_cache.get(seed, BLOCK_SIZE))
    pos = start
    while pos < stop:
        index, offset = divmod(pos, BLOCK_SIZE)
        source = (offset + index * _ROTATION_MULTIPLIER) % BLOCK_SIZE
        length = min(stop - pos, BLOCK_SIZE - offset, BLOCK_SIZE - source)
        yield block[source : source + length]
        pos += length


def payload(size: int, seed: int = 0) -> bytes:
    """The whole ``(size, seed)`` file as bytes (cached, no copy, up to 64 MiB)."""
    if size <= DIRECT_LIMIT:
        _check(size, 0, size)
        return _cache.get(seed, size)
    return b"".join(iter_range(size, seed))


@lru_cache(maxsize=256)
def sha256_of(size: int, seed: int = 0) -> str:
    """Hex SHA-256 of the ``(size, seed)`` file, computed without materialising it."""
    digest = hashlib.sha256()
    for piece in iter_range(size, seed):
        digest.update(piece)
    return digest.hexdigest()
