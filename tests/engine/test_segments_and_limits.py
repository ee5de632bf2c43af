"""Segment planning, dynamic splitting, the token bucket and back-off."""

from __future__ import annotations

from engine import segments
from engine.ratelimit import TokenBucket
from engine.settings import Settings

MiB = 1 << 20


def test_plan_cuts_whole_minimum_pieces_and_leaves_the_rest_to_the_first_done() -> None:
    pieces = segments.plan(10 * MiB, 4, MiB)
    assert [(p.start, p.end) for p in pieces] == [
        (0, 2 * MiB), (2 * MiB, 4 * MiB), (4 * MiB, 6 * MiB), (6 * MiB, 8 * MiB),
        (8 * MiB, 9 * MiB), (9 * MiB, 10 * MiB)]
    assert len(segments.plan(3 * MiB, 8, MiB)) == 3
    assert len(segments.plan(100, 8, MiB)) == 1
    assert [(p.start, p.end) for p in segments.plan(None, 8, MiB)] == [(0, None)]
    assert [(p.start, p.end) for p in segments.plan(0, 8, MiB)] == [(0, 0)]


def test_an_idle_connection_takes_half_of_the_largest_active_piece() -> None:
    pieces = segments.plan(8 * MiB, 2, MiB)
    a, b = segments.take(pieces, MiB), segments.take(pieces, MiB)
    assert a is pieces[0] and b is pieces[1]
    a.done = a.end - a.start  # the first connection finished its piece
    a.active = False
    b.done = MiB  # the second is a quarter into its 4 MiB
    c = segments.take(pieces, MiB)
    assert c is not None and (c.start, c.end) == (4 * MiB + MiB + (3 * MiB) // 2, 8 * MiB)
    assert b.end == c.start  # the slow piece now ends where the new one starts
    assert segments.done_bytes(pieces) == 5 * MiB
    # The pieces still cover the file exactly once.
    assert [(p.start, p.end) for p in pieces] == [
        (0, 4 * MiB), (4 * MiB, c.start), (c.start, 8 * MiB)]


def test_no_split_below_twice_the_minimum_piece() -> None:
    pieces = segments.plan(2 * MiB, 1, MiB)
    piece = segments.take(pieces, MiB)
    assert piece is not None
    piece.done = 1
    assert segments.take(pieces, MiB) is None


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept = 0.0

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.slept += seconds


def test_token_bucket_holds_the_rate_across_consumers() -> None:
    clock = FakeClock()
    bucket = TokenBucket(100_000, clock=clock.time, sleep=clock.sleep)
    for _ in range(100):  # two "connections" taking 10 kB chunks in turn
        bucket.consume(10_000)
        bucket.consume(10_000)
    rate = 2_000_000 / clock.now
    assert 0.9 * 100_000 <= rate <= 1.1 * 100_000 * 1.15  # the burst allowance at most


def test_token_bucket_limit_changes_while_running_and_can_be_lifted() -> None:
    clock = FakeClock()
    bucket = TokenBucket(None, clock=clock.time, sleep=clock.sleep)
    bucket.consume(10**9)
    assert clock.slept == 0
    bucket.rate = 1000
    bucket.consume(5000)
    assert 4.5 <= clock.slept <= 5.5
    bucket.rate = 0
    assert bucket.rate is None
    assert bucket.chunk_size(1 << 20) == 1 << 20
    bucket.rate = 100_000
    assert bucket.chunk_size(1 << 20) == 16 * 1024


def test_backoff_doubles_caps_and_honours_retry_after() -> None:
    settings = Settings(retry_delay=1, retry_delay_max=8)
    assert [settings.backoff(n) for n in range(1, 6)] == [1, 2, 4, 8, 8]
    assert settings.backoff(1, retry_after=30) == 30
    assert settings.backoff(1, retry_after=10**6) == 300


def test_a_minimum_piece_of_one_byte_or_none_still_plans_one_piece_per_connection() -> None:
    assert [(p.start, p.end) for p in segments.plan(3, 8, 1)] == [(0, 1), (1, 2), (2, 3)]
    assert [(p.start, p.end) for p in segments.plan(3, 8, 0)] == [(0, 1), (1, 2), (2, 3)]
