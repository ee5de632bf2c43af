"""The store: every download and its segments in one SQLite file (WAL).

It is the single source of truth.  The crash-safety rule is kept by the caller
(:mod:`engine.download` flushes the data before it checkpoints the counts);
this module makes each checkpoint one transaction, so a crash leaves either the
old or the new counts, never a mix.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from engine.http import Validators
from engine.protocol import DownloadInfo, ErrorCode, State
from engine.queue_order import STEP
from engine.segments import Piece, done_bytes
from engine.urls import redact

log = logging.getLogger(__name__)

SCHEMA_VERSION = 6
_SCHEMA = """
CREATE TABLE downloads (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL,
    directory TEXT NOT NULL,
    state TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    requested_name TEXT,
    final_url TEXT,
    size INTEGER,
    etag TEXT,
    last_modified TEXT,
    resumable INTEGER NOT NULL DEFAULT 0,
    decoded INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    error_code TEXT NOT NULL DEFAULT '',
    added REAL NOT NULL,
    connections INTEGER,
    speed_limit INTEGER,
    checksum TEXT,
    headers TEXT NOT NULL DEFAULT '{}',
    position INTEGER NOT NULL DEFAULT 0,
    media TEXT NOT NULL DEFAULT '',
    open_when_done INTEGER NOT NULL DEFAULT 0,
    category TEXT NOT NULL DEFAULT '',
    category_root TEXT
);
CREATE TABLE segments (
    download_id INTEGER NOT NULL REFERENCES downloads(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER,
    done INTEGER NOT NULL,
    PRIMARY KEY (download_id, start)
);
"""

# Worker-wide choices the worker applies itself (the schedule), one JSON value a name.
_OPTIONS_TABLE = "CREATE TABLE IF NOT EXISTS options (name TEXT PRIMARY KEY, value TEXT NOT NULL)"


class StoreError(Exception):
    """The store cannot be used: ``code`` says why, the message with the path."""

    def __init__(self, message: str, code: ErrorCode = ErrorCode.STORE_UNREADABLE) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Record:
    """One download as the engine keeps it (mutable; the protocol's
    :class:`DownloadInfo` is the frozen view the client gets)."""

    id: int
    url: str
    directory: str
    state: State
    added: float
    name: str = ""
    requested_name: str | None = None
    final_url: str | None = None
    size: int | None = None
    validators: Validators = field(default_factory=Validators)
    resumable: bool = False
    decoded: bool = False
    error: str = ""
    error_code: str = ""  # a protocol.ErrorCode
    connections: int | None = None
    speed_limit: int | None = None
    checksum: str | None = None
    pieces: list[Piece] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # extra request headers
    position: int = 0  # in the queue: the waiting downloads start in this order (queue_order)
    media: str = ""  # the formats chosen of a page or stream (DownloadOptions.media)
    open_when_done: bool = False  # the window opens the file when it completes
    category: str = ""  # an engine.categories.Category value, once decided
    # The folder whose category folders this download is sorted into (None:
    # it stays in ``directory`` until a person moves it to a category).
    category_root: str | None = None
    # Runtime only: a refreshed link must prove it serves the same file.
    verify_new_source: bool = False

    @property
    def done(self) -> int:
        return done_bytes(self.pieces)

    @property
    def path(self) -> str:
        if not self.name:
            return ""
        suffix = "" if self.state == State.COMPLETED else ".part"
        return os.path.join(self.directory, self.name + suffix)

    def info(self) -> DownloadInfo:
        return DownloadInfo(**self.shown(_INFO_FIELDS))

    def shown(self, names: Iterable[str]) -> dict[str, Any]:
        """The fields ``names`` of :meth:`info` (without building the rest)."""
        return {name: _DERIVED[name](self) if name in _DERIVED else getattr(self, name)
                for name in names}


# The fields of DownloadInfo that are not a Record's attribute of the same name.
_DERIVED: dict[str, Callable[[Record], object]] = {
    "path": lambda r: r.path,
    "done": lambda r: r.done,
    "final_url": lambda r: redact(r.final_url or ""),
    "etag": lambda r: r.validators.etag or "",
    "last_modified": lambda r: r.validators.last_modified or "",
}
_INFO_FIELDS = tuple(f.name for f in fields(DownloadInfo))


_COLUMNS = ("url", "directory", "state", "name", "requested_name", "final_url", "size",
            "etag", "last_modified", "resumable", "decoded", "error", "error_code", "added",
            "connections", "speed_limit", "checksum", "headers", "position",
            "media", "open_when_done", "category", "category_root")


_UPDATE = f"UPDATE downloads SET {', '.join(f'{c}=:{c}' for c in _COLUMNS)} WHERE id=:id"


def _row(record: Record) -> dict[str, object]:
    return {
        "url": record.url, "directory": record.directory, "state": record.state.value,
        "name": record.name, "requested_name": record.requested_name,
        "final_url": record.final_url, "size": record.size,
        "etag": record.validators.etag, "last_modified": record.validators.last_modified,
        "resumable": int(record.resumable), "decoded": int(record.decoded),
        "error": record.error, "error_code": record.error_code, "added": record.added,
        "connections": record.connections,
        "speed_limit": record.speed_limit, "checksum": record.checksum,
        "headers": json.dumps(record.headers), "position": record.position,
        "media": record.media, "open_when_done": int(record.open_when_done),
        "category": record.category, "category_root": record.category_root,
    }


def set_aside(path: Path) -> Path:
    """Move a damaged store (and its WAL files) out of the way, keeping it for
    inspection or recovery; returns the backup's path."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    backup = path.with_name(f"{path.name}.damaged-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{path}{suffix}")
        if source.exists():
            os.replace(source, f"{backup}{suffix}")
    log.warning("moved the damaged store %s to %s", path, backup)
    return backup


class Store:
    """SQLite access; one instance per process, used from one thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            # Commits are made durable (fsync) by the checkpoint once a second and
            # by adds and removals at once; a power cut loses at most the last
            # second of state changes, which only ever puts counts behind the disk.
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            (check,) = self._db.execute("PRAGMA quick_check").fetchone()
            if check != "ok":
                raise sqlite3.DatabaseError(check)
            self._migrate()
            # Outside the schema version: a Greenget without it opens the file alike.
            self._db.execute(_OPTIONS_TABLE)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"The download list {path} cannot be read ({exc}).") from exc

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"The download list {self.path} was written by a newer Greenget "
                f"(schema {version}; this one knows {SCHEMA_VERSION}).", ErrorCode.STORE_TOO_NEW
            )
        # Later schema versions add their steps here, each in its own transaction.
        if version == 0:
            self._db.executescript(
                f"BEGIN IMMEDIATE; {_SCHEMA} PRAGMA user_version={SCHEMA_VERSION}; COMMIT;")
        elif version == 1:  # 2: the error's code beside its sentence
            self._db.executescript(
                "BEGIN IMMEDIATE; ALTER TABLE downloads ADD COLUMN error_code TEXT NOT NULL "
                "DEFAULT ''; PRAGMA user_version=2; COMMIT;")
            version = 2
        if version == 2:  # 3: the queue's order, oldest first until someone moves one
            self._db.executescript(
                "BEGIN IMMEDIATE; ALTER TABLE downloads ADD COLUMN position INTEGER NOT NULL "
                f"DEFAULT 0; UPDATE downloads SET position = id * {STEP}; "
                "PRAGMA user_version=3; COMMIT;")
            version = 3
        if version == 3:  # 4: the formats chosen of a media page
            self._db.executescript(
                "BEGIN IMMEDIATE; ALTER TABLE downloads ADD COLUMN media TEXT NOT NULL "
                "DEFAULT ''; PRAGMA user_version=4; COMMIT;")
            version = 4
        if version == 4:  # 5: open the file when it completes, per download
            self._db.executescript(
                "BEGIN IMMEDIATE; ALTER TABLE downloads ADD COLUMN open_when_done INTEGER "
                "NOT NULL DEFAULT 0; PRAGMA user_version=5; COMMIT;")
            version = 5
        if version == 5:  # 6: the category, and the folder sorted into
            self._db.executescript(
                "BEGIN IMMEDIATE; ALTER TABLE downloads ADD COLUMN category TEXT NOT NULL "
                "DEFAULT ''; ALTER TABLE downloads ADD COLUMN category_root TEXT; "
                "PRAGMA user_version=6; COMMIT;")

    @contextlib.contextmanager
    def _transaction(self, *, durable: bool = False) -> Iterator[None]:
        """One transaction; ``durable`` ones are on disk (with every commit
        before them) when this returns."""
        if durable:
            self._db.execute("PRAGMA synchronous=FULL")
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        finally:
            if durable:
                self._db.execute("PRAGMA synchronous=NORMAL")

    def close(self) -> None:
        self._db.close()

    def add(self, url: str, directory: str, state: State, **fields: object) -> Record:
        (record,) = self.add_many([url], directory, state, **fields)
        return record

    def add_many(self, urls: list[str], directory: str, state: State,
                 **fields: object) -> list[Record]:
        """New downloads sharing ``fields``, durable in one transaction."""
        records = []
        with self._transaction(durable=True):
            (last,) = self._db.execute(
                "SELECT COALESCE(MAX(position), 0) FROM downloads").fetchone()
            for n, url in enumerate(urls, 1):
                record = Record(id=0, url=url, directory=directory, state=state,
                                added=time.time(), position=last + n * STEP,
                                **fields)  # type: ignore[arg-type]
                cursor = self._db.execute(
                    f"INSERT INTO downloads ({', '.join(_COLUMNS)}) "
                    f"VALUES ({', '.join(':' + c for c in _COLUMNS)})",
                    _row(record),
                )
                record.id = int(cursor.lastrowid or 0)
                records.append(record)
        return records

    def save(self, record: Record, *, pieces: bool = False, durable: bool = False) -> None:
        """Write every column of ``record`` (and its pieces when asked) at once;
        ``durable``: on the disk, with every commit before it, when this returns."""
        if not pieces and not durable:  # one statement: a transaction of its own
            self._db.execute(_UPDATE, {**_row(record), "id": record.id})
            return
        with self._transaction(durable=durable):
            self._db.execute(_UPDATE, {**_row(record), "id": record.id})
            if pieces:
                self._write_pieces(record.id,
                                   [(p.start, p.end, p.done) for p in record.pieces])

    def checkpoint(self, counts: dict[int, list[tuple[int, int | None, int]]]) -> None:
        """Record the pieces of several downloads in one transaction.  The
        caller must have flushed the bytes these counts cover."""
        with self._transaction(durable=True):
            for download_id, pieces in counts.items():
                self._write_pieces(download_id, pieces)

    def _write_pieces(self, download_id: int, pieces: list[tuple[int, int | None, int]]) -> None:
        self._db.execute("DELETE FROM segments WHERE download_id=?", (download_id,))
        self._db.executemany(
            'INSERT INTO segments (download_id, start, "end", done) VALUES (?, ?, ?, ?)',
            [(download_id, *piece) for piece in pieces],
        )

    def set_positions(self, positions: dict[int, int]) -> None:
        """Record new queue positions, durably, in one transaction."""
        with self._transaction(durable=True):
            self._db.executemany("UPDATE downloads SET position=? WHERE id=?",
                                 [(position, i) for i, position in positions.items()])

    def remove(self, *download_ids: int) -> None:
        """Forget downloads, durably, in one transaction."""
        rows = [(i,) for i in download_ids]
        with self._transaction(durable=True):
            self._db.executemany("DELETE FROM segments WHERE download_id=?", rows)
            self._db.executemany("DELETE FROM downloads WHERE id=?", rows)

    def option(self, name: str) -> object | None:
        """The value stored under ``name`` (None when there is none)."""
        row = self._db.execute("SELECT value FROM options WHERE name=?", (name,)).fetchone()
        return None if row is None else json.loads(row[0])

    def set_option(self, name: str, value: object) -> None:
        """Store ``value`` (JSON) under ``name``, durably."""
        with self._transaction(durable=True):
            self._db.execute("INSERT INTO options (name, value) VALUES (?, ?) ON CONFLICT(name) "
                             "DO UPDATE SET value=excluded.value", (name, json.dumps(value)))

    def load(self) -> list[Record]:
        pieces: dict[int, list[Piece]] = {}
        for download_id, start, end, done in self._db.execute(
            'SELECT download_id, start, "end", done FROM segments ORDER BY download_id, start'
        ):
            pieces.setdefault(download_id, []).append(Piece(start, end, done))
        records = []
        for row in self._db.execute(f"SELECT id, {', '.join(_COLUMNS)} FROM downloads ORDER BY id"):
            values = dict(zip(("id", *_COLUMNS), row, strict=True))
            records.append(Record(
                id=values["id"], url=values["url"], directory=values["directory"],
                state=State(values["state"]), added=values["added"], name=values["name"],
                requested_name=values["requested_name"], final_url=values["final_url"],
                size=values["size"],
                validators=Validators(values["etag"], values["last_modified"]),
                resumable=bool(values["resumable"]), decoded=bool(values["decoded"]),
                error=values["error"], error_code=values["error_code"],
                connections=values["connections"],
                speed_limit=values["speed_limit"], checksum=values["checksum"],
                headers=json.loads(values["headers"] or "{}"),
                pieces=pieces.get(values["id"], []), position=values["position"],
                media=values["media"], open_when_done=bool(values["open_when_done"]),
                category=values["category"], category_root=values["category_root"],
            ))
        return records
