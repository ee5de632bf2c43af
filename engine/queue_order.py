"""The order of the waiting downloads: where a move puts them, and which
positions that takes.

Every download has an integer ``position`` in the store; the waiting ones
(queued and paused) start in ascending position (then id).  Positions are
spread :data:`STEP` apart, so a move gives new positions to the moved
downloads only (in the gap between their new neighbours); when a gap is too
narrow, every waiting download is numbered afresh.  Pure: the scheduler keeps
the records, the store keeps the numbers.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Sequence

STEP = 1 << 16  # between two downloads added one after the other


class How(enum.StrEnum):
    """aria2's ``changePosition`` origins."""

    SET = "POS_SET"  # ``offset`` from the start of the queue
    CUR = "POS_CUR"  # ``offset`` from where each download is now
    END = "POS_END"  # ``offset`` (zero or less) from the end


def moved(order: Sequence[int], ids: Collection[int], offset: int, how: How) -> list[int]:
    """``order`` (the waiting ids, first to start first) after moving ``ids``.

    ``SET``/``END`` put the moved downloads together (in their present order)
    so that the first of them lands at index ``offset`` (from the end: the
    last lands at ``len - 1 + offset``).  ``CUR`` moves each by ``offset``
    places without letting one pass another moved one.  With one download this
    is aria2's ``changePosition``.  Indexes are clamped to the queue.
    """
    chosen = [i for i in order if i in ids]
    rest = [i for i in order if i not in ids]
    if not chosen:
        return list(order)
    if how is How.SET:
        at = max(0, min(len(rest), offset))
        return rest[:at] + chosen + rest[at:]
    if how is How.END:
        at = max(0, min(len(rest), len(rest) + offset))
        return rest[:at] + chosen + rest[at:]
    index = {download_id: n for n, download_id in enumerate(order)}
    places = [index[i] for i in chosen]
    if offset <= 0:
        floor = -1
        for n, place in enumerate(places):
            places[n] = floor = max(place + offset, floor + 1)
    else:
        ceiling = len(order)
        for n in range(len(places) - 1, -1, -1):
            places[n] = ceiling = min(places[n] + offset, ceiling - 1)
    result: list[int | None] = [None] * len(order)
    for download_id, place in zip(chosen, places, strict=True):
        result[place] = download_id
    others = iter(rest)
    return [next(others) if slot is None else slot for slot in result]


def renumbered(order: Sequence[int], positions: dict[int, int],
               changed: Collection[int]) -> dict[int, int]:
    """New positions that put ``order`` in order: for the ``changed`` ids
    only, between their neighbours' positions, when there is room; else for
    every id (``STEP`` apart, from the lowest position held now)."""
    new: dict[int, int] = {}
    n = 0
    while n < len(order):
        if order[n] not in changed:
            n += 1
            continue
        end = n
        while end < len(order) and order[end] in changed:
            end += 1
        run = order[n:end]
        low = positions[order[n - 1]] if n > 0 else None
        high = positions[order[end]] if end < len(order) else None
        if low is None and high is None:
            return _spread(order, positions)
        if low is None:
            assert high is not None
            new.update((i, high - STEP * (len(run) - k)) for k, i in enumerate(run))
        elif high is None:
            new.update((i, low + STEP * (k + 1)) for k, i in enumerate(run))
        elif high - low > len(run):
            gap = high - low
            new.update((i, low + gap * (k + 1) // (len(run) + 1)) for k, i in enumerate(run))
        else:
            return _spread(order, positions)
        n = end
    return new


def _spread(order: Sequence[int], positions: dict[int, int]) -> dict[int, int]:
    base = min(positions[i] for i in order)
    return {i: base + STEP * k for k, i in enumerate(order) if positions[i] != base + STEP * k}
