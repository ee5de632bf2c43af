"""Batch links: curl's URL globbing (``file[001-100].zip``, ``[a-z]``,
``[1-10:2]``, ``{one,two}``), expanded the way curl expands them.

Standard library only: the Add dialog counts a pattern with the same code the
CLI expands it with.  The rules follow curl's ``tool_urlglob.c``; the tests
compare the expansion with curl's own.  The one addition is a cap: a pattern
that makes more than ``MAX_URLS`` links is refused with a sentence.
"""

from __future__ import annotations

import ipaddress
import itertools
import math
from dataclasses import dataclass

MAX_URLS = 10_000
_MAX_GLOBS = 100  # curl's GLOB_PATTERN_NUM
_ESCAPABLE = "{[}]"


class GlobError(ValueError):
    """A pattern curl would refuse, or one that makes too many links."""


@dataclass(frozen=True)
class _Range:
    first: int
    last: int
    step: int
    pad: int = 0
    letters: bool = False

    @property
    def size(self) -> int:
        return (self.last - self.first) // self.step + 1

    def values(self) -> list[str]:
        numbers = range(self.first, self.last + 1, self.step)
        if self.letters:
            return [chr(n) for n in numbers]
        return [str(n).zfill(self.pad) for n in numbers]


_Part = str | tuple[str, ...] | _Range  # a literal, a set, a range


def _size(part: _Part) -> int:
    if isinstance(part, str):
        return 1
    return len(part) if isinstance(part, tuple) else part.size


def _values(part: _Part) -> tuple[str, ...] | list[str]:
    if isinstance(part, str):
        return (part,)
    return part if isinstance(part, tuple) else part.values()


def _error(what: str, position: int) -> GlobError:
    return GlobError(f"The link pattern has {what} at character {position + 1}.")


def _ipv6_literal(text: str, start: int) -> int:
    """Length of an IPv6 literal ``[...]`` at ``start``, or 0 (curl skips those)."""
    end = text.find("]", start)
    if end < 0:
        return 0
    address = text[start + 1:end].split("%", 1)[0]
    try:
        ipaddress.IPv6Address(address)
    except ValueError:
        return 0
    return end - start + 1


def _parse_set(text: str, i: int) -> tuple[tuple[str, ...], int]:
    """``{a,b}`` from just after the brace; returns the elements and the index after it."""
    elements: list[str] = []
    current: list[str] = []
    opened = i
    while True:
        if i >= len(text):
            raise _error("an unmatched brace", opened - 1)
        char = text[i]
        if char in "{[":
            raise _error("a brace inside braces", i)
        if char == "]":
            raise _error("an unexpected closing bracket", i)
        if char == "}" and i == opened:
            raise _error("nothing between braces", i)
        if char in ",}":
            elements.append("".join(current))
            current = []
            i += 1
            if char == "}":
                return tuple(elements), i
            continue
        if char == "\\" and i + 1 < len(text):
            i += 1
        current.append(text[i])
        i += 1


def _digits(text: str, i: int) -> int:
    end = i
    while end < len(text) and text[end].isascii() and text[end].isdigit():
        end += 1
    return end


def _parse_range(text: str, i: int) -> tuple[_Range, int]:
    """``[1-10:2]`` or ``[a-z]`` from just after the bracket."""
    start = i
    if i < len(text) and text[i].isascii() and text[i].isalpha():
        return _parse_letters(text, i)
    if not (i < len(text) and text[i].isascii() and text[i].isdigit()):
        raise _error("a bad range", start)
    end = _digits(text, i)
    pad = end - i if text[i] == "0" else 0
    first = int(text[i:end])
    if end >= len(text) or text[end] != "-":
        raise _error("a bad range", end)
    i = end + 1
    while i < len(text) and text[i] in " \t":
        i += 1
    end = _digits(text, i)
    if end == i:
        raise _error("a bad range", i)
    last = int(text[i:end])
    step = 1
    if end < len(text) and text[end] == ":":
        step_end = _digits(text, end + 1)
        step = int(text[end + 1:step_end]) if step_end > end + 1 else 0
        end = step_end
    if end >= len(text) or text[end] != "]":
        raise _error("a bad range", end)
    if not step or (first == last and step != 1) or (
            first != last and (first > last or step > last - first)):
        raise _error("a bad range", end + 1)
    return _Range(first, last, step, pad), end + 1


def _parse_letters(text: str, i: int) -> tuple[_Range, int]:
    if len(text) < i + 4 or text[i + 1] != "-":
        raise _error("a bad range", i)
    first, last = ord(text[i]), ord(text[i + 2])
    step, end = 1, i + 3
    if text[end] == ":":
        step_end = _digits(text, end + 1)
        if step_end == end + 1 or step_end >= len(text) or text[step_end] != "]":
            raise _error("a bad range", end)
        step, end = int(text[end + 1:step_end]), step_end
    elif text[end] != "]":
        raise _error("a bad range", end)
    if not step or (first == last and step != 1) or (first != last and (
            first > last or step > last - first or last - first > ord("z") - ord("a"))):
        raise _error("a bad range", end + 1)
    return _Range(first, last, step, letters=True), end + 1


def _parse(text: str) -> list[_Part]:
    parts: list[_Part] = []
    i = 0
    while i < len(text):
        literal: list[str] = []
        while i < len(text) and text[i] != "{":
            char = text[i]
            if char == "[":
                skip = _ipv6_literal(text, i) or (2 if text[i + 1:i + 2] == "]" else 0)
                if not skip:
                    break
                literal.append(text[i:i + skip])
                i += skip
                continue
            if char in "}]":
                raise _error("an unmatched closing brace or bracket", i)
            if char == "\\" and text[i + 1:i + 2] in tuple(_ESCAPABLE):
                i += 1
            literal.append(text[i])
            i += 1
        if literal:
            parts.append("".join(literal))
        elif text[i] == "{":
            elements, i = _parse_set(text, i + 1)
            parts.append(elements)
        else:
            number_range, i = _parse_range(text, i + 1)
            parts.append(number_range)
        if len(parts) >= _MAX_GLOBS:
            raise _error("too many patterns", i)
    return parts


def count(pattern: str) -> int:
    """How many links ``pattern`` makes (1 for a plain link); raises ``GlobError``."""
    return math.prod(_size(part) for part in _parse(pattern))


def expand(pattern: str, limit: int = MAX_URLS) -> list[str]:
    """Every link ``pattern`` makes, in curl's order (the last pattern varies
    fastest); raises ``GlobError`` for a malformed pattern or more than ``limit``."""
    parts = _parse(pattern)
    total = math.prod(_size(part) for part in parts)
    if total > limit:
        raise GlobError(f"The link pattern makes {total:,} links; "
                        f"at most {limit:,} can be added at once.")
    return ["".join(combo) for combo in itertools.product(*(_values(p) for p in parts))]


def is_pattern(text: str) -> bool:
    """Whether curl would treat ``text`` as a pattern (a set, a range, an
    escape, or a malformed one it would refuse)."""
    try:
        parts = _parse(text)
    except GlobError:
        return True
    return parts != [text] and parts != []
