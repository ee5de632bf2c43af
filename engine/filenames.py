"""File names: from the server's headers to a safe, unused name in the chosen folder.

Everything here is pure except :func:`reserve`, which creates the ``.part``
file with an exclusive open so two downloads can never pick the same name.
"""

from __future__ import annotations

import logging
import os
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

from engine import diskio

log = logging.getLogger(__name__)

PART_SUFFIX = ".part"
FALLBACK_NAME = "download"
MAX_NAME_BYTES = 255 - len(PART_SUFFIX.encode())  # the .part file must fit too

_WINDOWS_DEVICES = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"COM{i}" for i in range(10)}
    | {f"LPT{i}" for i in range(10)}
)
_RESERVED_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_TOKEN = r"[^\s;=]+"
_QUOTED = r'"(?:[^"\\]|\\.)*"'
_PARAM = re.compile(rf"\s*;\s*({_TOKEN})\s*=\s*({_QUOTED}|[^;]*)", re.IGNORECASE)


def content_disposition_filename(header: str | bytes | None) -> str | None:
    """The file name a ``Content-Disposition`` value names, ``filename*`` first.

    Handles RFC 6266/5987 ``filename*=UTF-8''%E4%B8%AD.txt``, quoted and bare
    ``filename=``, and raw UTF-8 bytes that servers send in ``filename=``
    (which arrive as latin-1 mojibake through http.client).
    """
    if not header:
        return None
    if isinstance(header, bytes):
        header = header.decode("latin-1")
    params: dict[str, str] = {}
    for match in _PARAM.finditer(";" + header.split(";", 1)[1] if ";" in header else ""):
        name, value = match.group(1).lower(), match.group(2).strip()
        if value.startswith('"') and value.endswith('"') and len(value) >= 2:
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        params.setdefault(name, value)
    extended = params.get("filename*")
    if extended:
        decoded = _decode_ext_value(extended)
        if decoded:
            return decoded
    plain = params.get("filename")
    if plain:
        return _fix_mojibake(plain)
    return None


def _decode_ext_value(value: str) -> str | None:
    """Decode an RFC 5987 ``charset'lang'pct-encoded`` value."""
    parts = value.split("'", 2)
    if len(parts) != 3:
        return None
    charset = parts[0].strip() or "utf-8"
    try:
        return unquote(parts[2], encoding=charset, errors="strict")
    except (LookupError, UnicodeDecodeError):
        return None


def _fix_mojibake(value: str) -> str:
    """Undo http.client's latin-1 decoding of a raw UTF-8 header value."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def name_from_url(url: str) -> str | None:
    """The last path segment of ``url``, percent-decoded (UTF-8, else latin-1)."""
    path = urlsplit(url).path
    segment = path.rsplit("/", 1)[-1]
    if not segment:
        return None
    try:
        return unquote(segment, errors="strict")
    except UnicodeDecodeError:
        return unquote(segment, encoding="latin-1")


def sanitize(name: str | None) -> str:
    """A name that is safe as one file in any folder on any common system.

    Keeps the basename only (both separators), drops control and reserved
    characters, leading dots and trailing dots/spaces, renames Windows device
    names, and truncates to 255 bytes (with room for ``.part``) keeping the
    extension.  Returns ``download`` when nothing usable is left.
    """
    if not name:
        return FALLBACK_NAME
    name = unicodedata.normalize("NFC", name)
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _RESERVED_CHARS.sub("_", name)
    name = name.strip().lstrip(".").rstrip(". ")
    if not name or set(name) <= {"_", " ", "."}:
        return FALLBACK_NAME
    stem = name.split(".", 1)[0].rstrip(" ").upper()
    if stem in _WINDOWS_DEVICES:
        name = "_" + name
    return _truncate(name, MAX_NAME_BYTES)


def _truncate(name: str, limit: int) -> str:
    if len(name.encode()) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext.encode()) > 16:
        stem, ext = name, ""
    suffix = f".{ext}" if ext else ""
    budget = limit - len(suffix.encode())
    cut = stem.encode()[:budget].decode("utf-8", errors="ignore").rstrip(". ")
    return (cut or FALLBACK_NAME) + suffix


def candidates(name: str) -> Iterator[str]:
    """``name``, then ``name (1).ext``, ``name (2).ext`` … (at most 1,000)."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, ext = name, ""
    suffix = f".{ext}" if ext else ""
    yield name
    for i in range(1, 1000):
        yield _truncate(f"{stem} ({i}){suffix}", MAX_NAME_BYTES)


def reserve(directory: Path, name: str) -> str:
    """Create ``<free name>.part`` exclusively in ``directory``; return the free name.

    A name is free when neither it nor its ``.part`` exists (a symlink counts
    as existing, so a planted link is never followed).  Raises ``OSError``
    when the folder cannot be written or every candidate is taken.
    """
    for candidate in candidates(name):
        final = directory / candidate
        if os.path.lexists(final):
            continue
        try:
            diskio.current().create_exclusive(directory / (candidate + PART_SUFFIX))
        except FileExistsError:
            continue
        log.debug("reserved %s in %s", candidate, directory)
        return candidate
    raise FileExistsError(f"no free file name for {name!r} in {directory}")


def finish(directory: Path, name: str) -> str:
    """Move ``<name>.part`` to a free final name without overwriting anything.

    Normally that is ``name``; if a file of that name appeared meanwhile, the
    next free ``name (n).ext``.  Returns the final name.
    """
    part = directory / (name + PART_SUFFIX)
    for candidate in candidates(name):
        final = directory / candidate
        try:
            diskio.current().rename_new(part, final)
        except FileExistsError:
            continue
        return candidate
    raise FileExistsError(f"no free file name for {name!r} in {directory}")
