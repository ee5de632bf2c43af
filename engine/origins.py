"""Which browser origins may call the JSON-RPC endpoint: the one home of that policy.

Clients that are not browsers send no ``Origin``; browser extensions send their
own scheme and are allowed; a web page (AriaNg or webui-aria2 served from a
site, a page's script) is refused unless the user listed its origin.  Stdlib
only: the window uses it to check what the user types in Settings.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

EXTENSION_SCHEMES = ("chrome-extension", "moz-extension", "safari-web-extension", "extension")
_SEPARATORS = re.compile(r"[\s,;]+")


def origin_allowed(origin: str | None, allowed: tuple[str, ...] = ()) -> bool:
    """True for no Origin (not a browser), an extension's, or one the user listed."""
    if origin is None:
        return True
    scheme, _, rest = origin.partition("://")
    if rest and scheme.lower() in EXTENSION_SCHEMES:
        return True
    return normalize_origin(origin) in allowed


def normalize_origin(text: str) -> str | None:
    """``scheme://host[:port]`` as a browser sends it in ``Origin`` (lower case,
    default ports dropped), from an origin or any URL of the page; ``None``
    when ``text`` is not an http(s) address."""
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    default = {"http": 80, "https": 443}[scheme]
    return f"{scheme}://{host}" + (f":{port}" if port is not None and port != default else "")


def own_origins(port: int) -> tuple[str, ...]:
    """The endpoint's own origin, as the pages it serves would send it (it serves
    only the pairing page, which runs no script) and as ``websocket-client``, and
    so aria2p's notification listener, sends it by default."""
    return tuple(f"http://{host}:{port}" for host in ("127.0.0.1", "localhost", "[::1]"))


def parse_origins(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The origins in a space- or comma-separated list, and the entries that
    are not http(s) addresses (so the user can be told)."""
    origins: list[str] = []
    rejected: list[str] = []
    for entry in filter(None, _SEPARATORS.split(text)):
        origin = normalize_origin(entry)
        if origin is None:
            rejected.append(entry)
        elif origin not in origins:
            origins.append(origin)
    return tuple(origins), tuple(rejected)
