"""Segment planning and dynamic splitting (pure, no I/O).

A download of known size from a server that honours ranges is cut into pieces
fetched on separate connections.  When a connection finishes its piece it takes
the next untouched one, else half of the largest piece still being fetched, so
every connection stays busy until the end and no download crawls at 99 % on one
slow connection.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Piece:
    """Bytes ``[start, end)`` of the file, ``done`` of them on disk from ``start``.

    ``end`` is ``None`` for a stream of unknown length.  ``active`` is true
    while a connection is fetching it (runtime only, never stored).
    """

    start: int
    end: int | None
    done: int = 0
    active: bool = False

    @property
    def position(self) -> int:
        return self.start + self.done

    @property
    def remaining(self) -> int | None:
        return None if self.end is None else self.end - self.position

    @property
    def finished(self) -> bool:
        return self.end is not None and self.position >= self.end


def plan(size: int | None, connections: int, min_piece: int) -> list[Piece]:
    """Cut ``size`` bytes into one piece per connection (at most ``connections``),
    each a whole number of ``min_piece`` units, plus one-unit pieces for the units
    left over (fewer than the connections), which the first connections to finish
    take; the bytes short of a unit go to the last piece.  One open-ended piece
    when the size is unknown.

    Whole units, as aria2c's ``--min-split-size``: a server capping each request
    (nginx ``limit_rate``, which lets a request's first second through at once)
    sends 50 MiB over 8 connections as 8 x 6 MiB plus two 1 MiB pieces a second
    sooner than as 8 x 6.25 MiB, and an uncapped one sends both alike."""
    if size is None:
        return [Piece(0, None)]
    unit = max(1, min_piece)
    units = size // unit
    if units <= 1:
        return [Piece(0, size)]
    count = min(connections, units)
    each = units // count
    starts = [i * each * unit for i in range(count)]
    starts += [(count * each + j) * unit for j in range(units - count * each)]
    bounds = [*starts, size]
    return [Piece(bounds[i], bounds[i + 1]) for i in range(len(starts))]


def take(pieces: list[Piece], min_piece: int) -> Piece | None:
    """The piece an idle connection should fetch next, marked active.

    An unfinished inactive piece first; otherwise the largest active piece is
    split in half (when both halves keep ``min_piece`` bytes) and the idle
    connection takes the back half.  ``None`` when nothing is left to share.
    """
    for piece in pieces:
        if not piece.active and not piece.finished:
            piece.active = True
            return piece
    splittable = [p for p in pieces if p.active and p.end is not None
                  and (p.remaining or 0) >= 2 * min_piece]
    if not splittable:
        return None
    largest = max(splittable, key=lambda p: p.remaining or 0)
    assert largest.end is not None and largest.remaining is not None
    middle = largest.position + largest.remaining // 2
    back = Piece(middle, largest.end, active=True)
    largest.end = middle
    pieces.insert(pieces.index(largest) + 1, back)
    return back


def done_bytes(pieces: list[Piece]) -> int:
    return sum(p.done for p in pieces)
