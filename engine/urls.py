"""Which links can be downloaded, and how a link is shown without its password.

Standard library only: the window checks what is typed and masks what it shows
with these same functions, so the two processes never disagree.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_SPACE = re.compile(r"\s")  # what str.isspace() calls space, in one C loop
_USER_INFO = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@")


def check_url(url: str) -> str | None:
    """Why ``url`` cannot be downloaded, in a sentence; ``None`` if it can."""
    if not url or not url.strip():
        return "The URL is empty."
    if len(url) > 65536:
        return "The URL is too long (over 64 KiB)."
    if _SPACE.search(url.strip()):
        return "The URL contains spaces; encode them as %20."
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        return f"The URL is not valid ({exc})."
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"{scheme}:" if scheme else "no scheme"
        return f"Only http and https links can be downloaded, not {shown}."
    if not parts.hostname:
        return "The URL has no host name."
    if port == 0:
        return "The URL's port is not valid."
    return None


def redact(url: str, mask: str = "***") -> str:
    """``url`` with any user name and password replaced by ``mask``, for logs,
    messages and the screen; the rest is kept as written (even when invalid)."""
    return _USER_INFO.sub(lambda m: f"{m['scheme']}{mask}@", url, count=1)
