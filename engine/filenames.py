"""File names: a safe, unused name in the chosen folder.

Which name a server's answer gives is :mod:`engine.naming`'s business; here
the name is made safe and unique.  Everything is pure except :func:`reserve`,
which creates the ``.part`` file with an exclusive open so two downloads can
never pick the same name, and :func:`finish`.
"""

from __future__ import annotations

import logging
import os
import unicodedata
from collections.abc import Iterator
from pathlib import Path

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
_RESERVED_CHARS = frozenset('<>:"/\\|?*~')


def sanitize(name: str | None) -> str:
    """A name that is safe as one file in any folder on any common system.

    Chromium's rules: trim dots at both ends; turn path separators (both
    kinds), control and format characters (such as the right-to-left override
    that disguises ``gnp.exe``) and the characters Windows refuses or treats
    specially (``"*:<>?|~``) into ``_`` (``../../a.txt`` is ``_.._a.txt``: one
    component, which cannot climb out of the folder); a space or dot left at
    either end becomes ``_``.  Then rename Windows device names (``_CON``), and
    truncate to 255 bytes (with room for ``.part``) keeping the extension.
    Returns ``download`` when nothing but ``_ - . `` and spaces is left.
    """
    if not name:
        return FALLBACK_NAME
    name = unicodedata.normalize("NFC", name).strip(".")
    name = "".join("_" if _illegal(c) else c for c in name)
    if name and _bad_at_end(name[0]):
        name = "_" + name[1:]
    if name and _bad_at_end(name[-1]):
        name = name[:-1] + "_"
    if not name or set(name) <= {"_", "-", " ", "."}:
        return FALLBACK_NAME
    stem = name.split(".", 1)[0].rstrip(" ").upper()
    if stem in _WINDOWS_DEVICES:
        name = "_" + name
    return _truncate(name, MAX_NAME_BYTES)


def _illegal(char: str) -> bool:
    return char in _RESERVED_CHARS or unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp")


def _bad_at_end(char: str) -> bool:
    return char == "." or char.isspace()


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


def name_problem(name: str) -> str:
    """Why ``name``, given by a person (a rename), cannot be one file's name
    in a folder: a sentence, or ``""`` when it can be used as it is."""
    if not name.strip():
        return "A file name cannot be empty."
    if "/" in name or "\\" in name or name in (".", ".."):
        return f"{name!r} is a path, not a file name: a file stays in its folder."
    safe = sanitize(name)
    if safe != name:
        return (f"{name!r} cannot be a file name here (characters such as "
                f'<>:"|?*~, a dot or space at either end, or over 250 bytes); '
                f"{safe!r} could be.")
    return ""
