"""A token bucket shared by every connection it limits.

Consumers take tokens after they receive bytes; a consumer that drives the
bucket into debt sleeps until the debt is paid, so the long-run rate is the
limit however many greenlets share the bucket, with bursts of at most
``burst_seconds`` of traffic.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class TokenBucket:
    def __init__(
        self,
        rate: float | None = None,
        *,
        burst_seconds: float = 0.25,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._burst_seconds = burst_seconds
        self._rate: float | None = None
        self._tokens = 0.0
        self._stamp = clock()
        self.rate = rate

    @property
    def rate(self) -> float | None:
        """Bytes per second; ``None`` (or 0 when set) means unlimited."""
        return self._rate

    @rate.setter
    def rate(self, value: float | None) -> None:
        self._refill()
        self._rate = value if value and value > 0 else None
        self._tokens = min(self._tokens, self._burst())

    def _burst(self) -> float:
        return (self._rate or 0.0) * self._burst_seconds

    def _refill(self) -> None:
        now = self._clock()
        if self._rate:
            self._tokens = min(self._burst(), self._tokens + (now - self._stamp) * self._rate)
        self._stamp = now

    def consume(self, amount: int) -> None:
        """Account for ``amount`` bytes; sleep while the bucket is in debt."""
        if not self._rate:
            return
        self._refill()
        self._tokens -= amount
        if self._tokens < 0:
            self._sleep(-self._tokens / self._rate)

    def chunk_size(self, default: int, smallest: int = 16 * 1024) -> int:
        """A read size that keeps the limit smooth: about a tenth of a second."""
        if not self._rate:
            return default
        return int(max(smallest, min(default, self._rate / 10)))
