"""``gevent.monkey.patch_all()``, without scanning every installed package 25 times.

gevent announces each module it patches to plugins found through
``importlib.metadata.entry_points(group=...)``, and each such call reads the entry
points of every installed distribution again: 25 scans per ``patch_all()``, ~30 ms
of CPU per start here (docs/startup.md). Here the scan is done once and each call
selects from it, so plugins are found and called exactly as before.
Stdlib and gevent only: this runs before anything else is imported.
"""

from importlib import metadata
from typing import Any


def patch_all() -> None:
    from gevent import monkey

    scan = metadata.entry_points
    everything = scan()

    def select(**params: str) -> Any:
        return everything.select(**params)

    metadata.entry_points = select  # type: ignore[assignment]
    try:
        monkey.patch_all()
    finally:
        metadata.entry_points = scan
