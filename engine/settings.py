"""Engine-wide settings, changeable at run time through ``set_options``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from engine.categories import DEFAULT_RULES
from engine.protocol import CategoryRule

KiB = 1024
MiB = 1024 * KiB
MAX_CONNECTIONS = 32  # per download
DEFAULT_MAX_ACTIVE = 3  # downloads at once
DEFAULT_CONNECTIONS = 8  # per download that asks for none
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?(?:/s)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": KiB, "m": MiB, "g": 1024 * MiB}


def parse_size(text: str) -> int:
    """``500K``, ``2M``, ``1.5m``, ``10G``, ``100000`` → bytes (K = 1024).
    Raises ``ValueError`` with a readable message."""
    match = _SIZE.match(text)
    if not match:
        raise ValueError(f"not a size or speed: {text!r} (try 500K or 2M)")
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


@dataclass
class Settings:
    max_active: int = DEFAULT_MAX_ACTIVE
    connections: int = DEFAULT_CONNECTIONS
    speed_limit: int | None = None  # bytes/s for all downloads together
    download_limit: int | None = None  # bytes/s for each new download that names none
    connect_timeout: float = 15.0
    read_timeout: float = 30.0  # no byte for this long: the connection stalled
    retry_delay: float = 1.0
    retry_delay_max: float = 60.0
    max_retries: int = 10  # tries in a row without a byte of progress
    max_file_size: int | None = None  # bytes; a bigger file or endless stream fails
    directory: str = field(default_factory=lambda: default_directory())  # for RPC adds
    proxy: str = "system"  # "system", "none" or a proxy URL
    chunk_size: int = 1 * MiB
    min_piece: int = 1 * MiB
    sort_by_category: bool = False  # new downloads go into their category's folder
    dated_folders: bool = False  # ... and into a subfolder for the month they were added
    category_rules: tuple[CategoryRule, ...] = DEFAULT_RULES

    def backoff(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before try ``attempt`` (1-based): doubling, capped,
        and never less than a server's ``Retry-After`` (itself capped)."""
        delay = min(self.retry_delay_max, self.retry_delay * 2 ** max(0, attempt - 1))
        if retry_after is not None:
            delay = max(delay, min(retry_after, max(self.retry_delay_max, 300.0)))
        return delay

    def connections_for(self, requested: int | None) -> int:
        return max(1, min(MAX_CONNECTIONS, requested or self.connections))


def default_directory() -> str:
    """The user's Downloads folder."""
    import platformdirs

    return platformdirs.user_downloads_dir()
