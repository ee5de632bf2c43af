"""Download lists in and out: plain links, aria2's input-file format, and JSON.

Standard library only: the window exports and imports with the same code the
CLI's ``-i`` reads with.  aria2's format (its manual, "Input File") is a link
line followed by option lines that start with white space, ``name=value``;
we write and read ``dir``, ``out``, ``split`` (connections),
``max-download-limit``, ``checksum`` and ``pause``, and skip the options we
have no use for.  A plain list is the same format without option lines.  JSON
is ``{"greenget_list": 1, "downloads": [...]}`` with each download's state.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field

from engine import checksums
from engine.protocol import DownloadInfo, DownloadOptions, State

JSON_VERSION = 1
# Our hashlib names for the algorithms aria2's ``checksum=`` option knows.
_TO_ARIA2 = {"sha1": "sha-1", "sha224": "sha-224", "sha256": "sha-256", "sha384": "sha-384",
             "sha512": "sha-512", "md5": "md5"}


class ListError(ValueError):
    """A list that cannot be read, said in a sentence."""


@dataclass(frozen=True)
class Entry:
    """One download of a list: where to save it (``None``: the caller's
    folder) and its options."""

    url: str
    directory: str | None = None
    options: DownloadOptions = field(default_factory=DownloadOptions)


def from_info(info: DownloadInfo) -> Entry:
    """What a row of the queue exports as."""
    return Entry(info.url, info.directory, DownloadOptions(
        connections=info.connections, speed_limit=info.speed_limit, checksum=info.checksum,
        filename=info.name or None, paused=info.state is State.PAUSED,
        open_when_done=info.open_when_done))


def to_plain(entries: Iterable[Entry]) -> str:
    return "".join(f"{entry.url}\n" for entry in entries)


def _aria2_checksum(checksum: str | None) -> str | None:
    if not checksum or "=" not in checksum:
        return None
    algorithm, digest = checksum.split("=", 1)
    name = _TO_ARIA2.get(algorithm)
    return f"{name}={digest}" if name else None


def to_aria2(entries: Iterable[Entry]) -> str:
    lines: list[str] = []
    for entry in entries:
        options = entry.options
        lines.append(entry.url)
        if entry.directory:
            lines.append(f"  dir={entry.directory}")
        if options.filename:
            lines.append(f"  out={options.filename}")
        if options.connections:
            lines.append(f"  split={options.connections}")
            lines.append(f"  max-connection-per-server={min(options.connections, 16)}")
        if options.speed_limit:
            lines.append(f"  max-download-limit={options.speed_limit}")
        aria2_checksum = _aria2_checksum(options.checksum)
        if aria2_checksum:
            lines.append(f"  checksum={aria2_checksum}")
        lines += [f"  header={header}" for header in options.headers]
        if options.paused:
            lines.append("  pause=true")
    return "".join(f"{line}\n" for line in lines)


def to_json(infos: Iterable[DownloadInfo]) -> str:
    downloads = [{
        "url": i.url, "directory": i.directory, "name": i.name, "state": i.state.value,
        "size": i.size, "done": i.done, "connections": i.connections,
        "speed_limit": i.speed_limit, "checksum": i.checksum, "added": i.added,
        "open_when_done": i.open_when_done,
    } for i in infos]
    return json.dumps({"greenget_list": JSON_VERSION, "downloads": downloads}, indent=1,
                      ensure_ascii=False) + "\n"


def parse(text: str, base: str | None = None) -> list[Entry]:
    """The downloads of a list in any of the three formats; a relative ``dir``
    is taken from ``base`` (the folder the caller would save to)."""
    if text.lstrip().startswith("{"):
        return _parse_json(text, base)
    return _parse_aria2(text, base)


def _directory(value: object, base: str | None, where: str) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ListError(f"{where}: the folder should be text.")
    if os.path.isabs(os.path.expanduser(value)):
        return os.path.expanduser(value)
    return os.path.join(base, value) if base else os.path.abspath(value)


def _number(value: object, where: str, what: str) -> int | None:
    if value in (None, "", 0, "0"):
        return None
    try:
        number = int(str(value))
    except ValueError:
        raise ListError(f"{where}: {what} should be a whole number, not {value!r}.") from None
    if number < 0:
        raise ListError(f"{where}: {what} cannot be negative.")
    return number


def _name(value: object, where: str) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ListError(f"{where}: the name should be text.")
    return value


def _checksum(value: object, where: str) -> str | None:
    if not value:
        return None
    try:
        return checksums.parse_checksum(str(value))
    except ValueError as exc:
        raise ListError(f"{where}: {exc}") from None


def _parse_aria2(text: str, base: str | None) -> list[Entry]:
    entries: list[Entry] = []
    current: dict[str, object] | None = None
    headers: list[str] = []

    def finish() -> None:
        if current is not None:
            entries.append(_entry(current, headers, base))

    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if raw[0] in " \t":
            if current is None:
                raise ListError(f"Line {number}: an option line comes before any link.")
            name, sep, value = raw.strip().partition("=")
            if not sep:
                raise ListError(f"Line {number}: an option line should be name=value.")
            if name == "header":
                headers.append(value)
            else:
                current[name] = value
            continue
        finish()
        headers = []
        # aria2 takes tab-separated links on one line as mirrors of one file; we take the first.
        current = {"url": raw.strip().split("\t")[0], "line": number}
    finish()
    return entries


def _entry(options: dict[str, object], headers: list[str], base: str | None) -> Entry:
    where = f"Line {options['line']}"
    connections = _number(options.get("split"), where, "split")
    return Entry(str(options["url"]), _directory(options.get("dir"), base, where),
                 DownloadOptions(
                     connections=connections,
                     speed_limit=_number(options.get("max-download-limit"), where,
                                         "max-download-limit"),
                     checksum=_checksum(options.get("checksum"), where),
                     filename=str(options["out"]) if options.get("out") else None,
                     paused=str(options.get("pause", "")).lower() == "true",
                     headers=tuple(headers)))


def _parse_json(text: str, base: str | None) -> list[Entry]:
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise ListError(f"The list is not valid JSON ({exc}).") from None
    if not isinstance(document, dict) or document.get("greenget_list") != JSON_VERSION \
            or not isinstance(document.get("downloads"), list):
        raise ListError("The JSON file is not a Greenget download list.")
    entries = []
    for number, item in enumerate(document["downloads"], start=1):
        where = f"Download {number}"
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            raise ListError(f"{where}: it has no link.")
        entries.append(Entry(item["url"], _directory(item.get("directory"), base, where),
                             DownloadOptions(
                                 connections=_number(item.get("connections"), where,
                                                     "connections"),
                                 speed_limit=_number(item.get("speed_limit"), where,
                                                     "speed_limit"),
                                 checksum=_checksum(item.get("checksum"), where),
                                 filename=_name(item.get("name"), where),
                                 paused=item.get("state") == State.PAUSED.value,
                                 open_when_done=item.get("open_when_done") is True)))
    return entries
