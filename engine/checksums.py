"""What a checksum the user gives looks like: the one parser of it.

Standard library only: the window checks what is typed in the Add dialog with
it, the worker checks what arrives in ``add`` (from the window, the JSON-RPC or
the CLI), so a checksum one accepts the other accepts too.
"""

from __future__ import annotations

import hashlib
import re

SIDECAR = "sidecar"  # verify against the SHA-256 published as <URL>.sha256
_HEX = re.compile(r"[0-9a-f]+")


def parse_checksum(value: str | None) -> str | None:
    """``ALGO=HEX`` (or ``ALGO:HEX``, ``SHA-256=…``, or 64 bare hex digits for
    SHA-256) normalised to ``algo=hex``; ``sidecar``; ``None`` when empty.
    Raises ``ValueError`` with a sentence for a person."""
    text = (value or "").strip()
    if not text:
        return None
    if text.lower() == SIDECAR:
        return SIDECAR
    algorithm, sep, digest = text.partition("=")
    if not sep:
        algorithm, sep, digest = text.partition(":")
    if not sep:
        if len(text) != 64 or not _HEX.fullmatch(text.lower()):
            raise ValueError("A checksum looks like sha256=<hex digits>.")
        algorithm, digest = "sha256", text
    algorithm = algorithm.strip().lower().replace("-", "")
    digest = digest.strip().lower()
    try:
        expected_length = hashlib.new(algorithm).digest_size * 2
    except (ValueError, TypeError):
        raise ValueError(f"Unknown checksum algorithm {algorithm!r}; "
                         "use e.g. sha256=<hex>.") from None
    if len(digest) != expected_length or not _HEX.fullmatch(digest):
        raise ValueError(f"A {algorithm} checksum is {expected_length} hex digits.")
    return f"{algorithm}={digest}"
