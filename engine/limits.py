"""Operating-system limits the worker raises for itself."""

from __future__ import annotations

import logging

from engine import diskio

log = logging.getLogger(__name__)

WANTED_OPEN_FILES = 65536  # 2,000+ connections, their files, and room to spare
ENOUGH_OPEN_FILES = 4096


def raise_open_file_limit(wanted: int = WANTED_OPEN_FILES) -> int:
    """Raise the soft limit on open files towards ``wanted`` (as far as the
    hard limit allows) and return the limit now in force.  gevent's epoll loop
    has no ``select()`` ceiling, so descriptors are the only cap on connections."""
    soft, hard = diskio.current().raise_open_file_limit(wanted)
    if soft < ENOUGH_OPEN_FILES:
        log.warning("only %d open files are allowed (hard limit %s); Greenget can keep about "
                    "%d connections open at once. Raise 'ulimit -n' for more.",
                    soft, hard, soft // 2)
    return soft
