"""Power cuts, simulated: record what a real worker does to the disk, then ask
what a power cut after any one of those operations would have left behind.

Recording (in the worker, ``tests/engine/instrumented_worker.py``)
    :class:`RecordingIO` takes the place of :mod:`engine.diskio`'s
    implementation and notes every create, open (with what the file holds
    then), write, truncate, allocate, sync (its start and its end), rename,
    removal and directory sync; the store is
    wrapped so that every SQLite commit is noted with a copy of the database
    as of that commit (``Connection.serialize``, which reads through the WAL)
    and whether it was durable.  The journal is written when the worker ends.

The model (:func:`replay`), pessimistic where the kernel is free to choose
    * A file's data: a write, truncate or allocate is on the disk once a sync of
      that file (``fdatasync``) that *began after it* has returned (syncs run on
      other threads and may end in any order).  Anything
      else is lost in the cut.  (:func:`torn` lets any subset of the later
      operations survive as well, in order, for the resume checks.)  A file
      found holding other bytes than the model's when it is opened was written
      by another program (ffmpeg remuxing a stream): those bytes are written,
      not yet synced.
    * Names: a created or renamed name is on the disk once its directory has
      been synced (``sync_directory``); until then the cut undoes it.  A
      removed name may be gone from the disk at once (the kernel may write the
      folder back whenever it likes): the cut takes it away.
    * The store: SQLite in WAL mode.  A transaction committed with
      ``synchronous=FULL`` (the store's durable ones) is on the disk, with every
      commit before it, when it returns; one committed with ``NORMAL`` is in the
      WAL but not synced.  Which level a commit ran under is read from SQLite's
      trace of the statements (:class:`SyncLevel`), not taken from the store.
      Recovery keeps the longest valid run of WAL frames (they are checksummed
      in a chain), so after a cut the store is as of *one*
      of the commits from the last durable one to the last one made: the cut
      may pick any of them (:attr:`Cut.stores`).

The invariants checked at every cut point (:class:`Checker`)
    * every download announced to the client is in the store (unless the
      client asked to remove it), and none the client was told is removed
      (:func:`back_from_removal`);
    * every byte the store counts as done is on the disk, and is the byte of
      the file version the store names (its ETag);
    * a download the store calls completed has its whole file under its name;
    * a download of known size has pieces that tile it exactly.

And over the whole recording (:func:`lag`): the store on the disk is never
more than a few seconds of a download's writes behind it (a resume fetches
little again).
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
import pickle
import random
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from engine import diskio

JOURNAL_ENV = "GREENGET_TEST_JOURNAL"
SYNC_SECONDS = 0.003  # a sync takes this long, so writes land while it runs

Event = tuple[Any, ...]


class Journal:
    """The operations in the order they happened (appends are atomic under the GIL,
    so the thread a sync runs on may add to it too)."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self._tokens = itertools.count()

    def add(self, *event: Any) -> None:
        self.events.append(event)

    def token(self) -> int:
        return next(self._tokens)

    def dump(self, path: Path) -> None:
        with open(path, "wb") as out:
            pickle.dump(self.events, out, protocol=pickle.HIGHEST_PROTOCOL)


def load(path: Path) -> list[Event]:
    with open(path, "rb") as source:
        events: list[Event] = pickle.load(source)
    return events


# ---------------------------------------------------------------- recording


def _real_sleep() -> Callable[[float], None]:
    """``time.sleep`` as it was before gevent patched it (syncs run on OS threads)."""
    try:
        from gevent import monkey

        return monkey.get_original("time", "sleep")  # type: ignore[no-any-return]
    except ImportError:
        return time.sleep


class RecordingFile:
    def __init__(self, inner: diskio.File, ino: int, journal: Journal) -> None:
        self._inner = inner
        self._ino = ino
        self._journal = journal
        self._sleep = _real_sleep()

    def write_at(self, data: bytes | memoryview, offset: int) -> int:
        written = self._inner.write_at(data, offset)
        self._journal.add("write", self._ino, offset, bytes(memoryview(data)[:written]),
                          time.monotonic())
        return written

    def allocate(self, size: int) -> None:
        self._inner.allocate(size)
        self._journal.add("allocate", self._ino, size)

    def truncate(self, size: int) -> None:
        self._inner.truncate(size)
        self._journal.add("truncate", self._ino, size)

    def sync(self) -> None:
        token = self._journal.token()
        self._journal.add("sync_start", self._ino, token)
        self._inner.sync()
        self._sleep(SYNC_SECONDS)
        self._journal.add("sync_end", self._ino, token)

    def start_writeback(self) -> None:
        self._inner.start_writeback()  # a hint: promises nothing, changes nothing here

    def links(self) -> int:
        return self._inner.links()

    def duplicate(self) -> RecordingFile:
        return RecordingFile(self._inner.duplicate(), self._ino, self._journal)

    def close(self) -> None:
        self._inner.close()


class RecordingIO:
    name = "recording"

    def __init__(self, inner: diskio.DiskIO, journal: Journal) -> None:
        self._inner = inner
        self._journal = journal

    def create_exclusive(self, path: Path) -> None:
        self._inner.create_exclusive(path)
        self._journal.add("create", str(path), os.lstat(path).st_ino)

    def open(self, path: Path) -> diskio.File:
        inner = self._inner.open(path)
        ino = os.lstat(path).st_ino
        self._journal.add("open", ino, Path(path).read_bytes())
        return RecordingFile(inner, ino, self._journal)

    def rename_new(self, source: Path, target: Path) -> None:
        self._inner.rename_new(source, target)
        self._journal.add("rename", str(source), str(target))

    def replace(self, source: Path, target: Path) -> None:
        self._inner.replace(source, target)
        self._journal.add("rename", str(source), str(target))

    def remove(self, path: Path) -> None:
        self._inner.remove(path)
        self._journal.add("unlink", str(path))

    def link_new(self, source: Path, target: Path) -> None:
        """The model has no hard links: a move copies, through the calls it records."""
        raise OSError(errno.ENOTSUP, "no hard links in the recording", str(target))

    def sync_directory(self, path: Path) -> None:
        self._inner.sync_directory(path)
        self._journal.add("dirsync", str(path))

    def lock(self, handle: IO[str]) -> None:
        self._inner.lock(handle)

    def raise_open_file_limit(self, wanted: int) -> tuple[int, int | None]:
        return self._inner.raise_open_file_limit(wanted)


class SyncLevel:
    """What SQLite was told, seen through its trace callback: the
    ``synchronous`` level in force and whether the last COMMIT ran under FULL
    (so the model judges durability by what SQLite did, not by what the store
    meant)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        (level,) = db.execute("PRAGMA synchronous").fetchone()
        self.full = level >= 2  # FULL (2) or EXTRA (3)
        self.last_commit_full = False
        db.set_trace_callback(self.saw)

    def saw(self, statement: str) -> None:
        words = statement.replace("=", " ").split()
        upper = [w.upper() for w in words]
        if upper[:2] == ["PRAGMA", "SYNCHRONOUS"] and len(upper) > 2:
            self.full = upper[2] in ("FULL", "EXTRA", "2", "3")
        elif upper[:1] in (["COMMIT"], ["END"]):
            self.last_commit_full = self.full


def record_store_commits(journal: Journal) -> None:
    """Note every commit of :class:`engine.store.Store` with the database as of then."""
    from engine.store import Store

    init, transaction, save = Store.__init__, Store._transaction, Store.save
    commits = itertools.count()
    made = [0]  # commits noted so far
    levels: dict[int, SyncLevel] = {}

    def snapshot(store: Store, durable: bool) -> None:
        made[0] = next(commits) + 1
        journal.add("commit", durable, store._db.serialize())

    def recorded_init(self: Store, path: Path) -> None:
        init(self, path)
        levels[id(self)] = SyncLevel(self._db)
        snapshot(self, False)  # the schema, not yet synced

    @contextlib.contextmanager
    def recorded_transaction(self: Store, *, durable: bool = False) -> Iterator[None]:
        with transaction(self, durable=durable):
            yield
        snapshot(self, levels[id(self)].last_commit_full)

    def recorded_save(self: Store, record: Any, **options: Any) -> None:
        before = made[0]
        save(self, record, **options)
        if made[0] == before:  # one statement, committed on its own
            snapshot(self, levels[id(self)].full)

    Store.__init__ = recorded_init  # type: ignore[method-assign]
    Store._transaction = recorded_transaction  # type: ignore[method-assign,assignment]
    Store.save = recorded_save  # type: ignore[method-assign]


def start_recording() -> Journal:
    journal = Journal()
    diskio.install(RecordingIO(diskio.current(), journal))
    record_store_commits(journal)
    return journal


# ---------------------------------------------------------------- the model


@dataclass
class Cut:
    """What the disk holds after a power cut following ``events[:index]``."""

    index: int
    event: Event | None  # the last operation before the cut
    files: dict[str, tuple[int, bytes]]  # durable name -> (inode, its durable content)
    stores: list[int]  # the commits the store may be as of (indexes into Model.images)
    announced: frozenset[int]  # downloads the client had been told of
    removing: frozenset[int]  # downloads the client had asked to remove
    removed: frozenset[int]  # downloads the client had been told are removed
    created: dict[str, int]  # each path created so far -> the inode it was created as


@dataclass
class Model:
    images: list[bytes] = field(default_factory=list)  # the store as of each commit
    durable: list[bool] = field(default_factory=list)


def replay(events: list[Event]) -> tuple[Model, Iterator[Cut]]:
    """The model of the disk, and the state a cut would leave after each event."""
    model = Model()

    def cuts() -> Iterator[Cut]:
        live: dict[int, bytearray] = {}
        synced: dict[int, tuple[int, bytes]] = {}  # inode -> (when the sync that made
        # its content durable began, that content)
        pending: dict[int, tuple[int, bytes]] = {}  # sync token -> (when, content then)
        names: dict[str, int] = {}
        created: dict[str, int] = {}
        durable_names: dict[str, int] = {}
        last_durable = -1
        announced: set[int] = set()
        removing: set[int] = set()
        removed: set[int] = set()
        for index, event in enumerate(events):
            kind = event[0]
            if kind == "create":
                _, path, ino = event
                names[path] = created[path] = ino
                live[ino] = bytearray()
            elif kind == "open":
                _, ino, found = event
                if live.get(ino) != found:  # written by another program
                    live[ino] = bytearray(found)
            elif kind == "write":
                _, ino, offset, data, _ = event
                content = live.setdefault(ino, bytearray())
                if len(content) < offset:
                    content.extend(bytes(offset - len(content)))
                content[offset:offset + len(data)] = data
            elif kind in ("allocate", "truncate"):
                _, ino, size = event
                content = live.setdefault(ino, bytearray())
                if size > len(content):
                    content.extend(bytes(size - len(content)))
                elif kind == "truncate":
                    del content[size:]
            elif kind == "sync_start":
                _, ino, token = event
                pending[token] = (index, bytes(live.get(ino, b"")))
            elif kind == "sync_end":
                _, ino, token = event
                began = pending.pop(token)
                if began[0] > synced.get(ino, (-1, b""))[0]:  # an older sync ending late
                    synced[ino] = began  # makes nothing durable that a newer one had not

            elif kind == "rename":
                _, source, target = event
                names[target] = names.pop(source)
            elif kind == "unlink":
                names.pop(event[1], None)
                durable_names.pop(event[1], None)
            elif kind == "dirsync":
                folder = event[1]
                for path in [p for p in durable_names if os.path.dirname(p) == folder]:
                    del durable_names[path]
                durable_names.update({p: i for p, i in names.items()
                                      if os.path.dirname(p) == folder})
            elif kind == "commit":
                _, durable, image = event
                model.images.append(image)
                model.durable.append(durable)
                if durable:
                    last_durable = len(model.images) - 1
            elif kind == "announced":
                announced.add(event[1])
            elif kind == "removing":
                removing.add(event[1])
            elif kind == "removed":
                removed.add(event[1])
            first = max(last_durable, 0) if model.images else 0
            stores = list(range(first, len(model.images)))
            if last_durable < 0:
                stores.insert(0, -1)  # nothing durable yet: no store at all
            yield Cut(index + 1, event,
                      {p: (i, synced.get(i, (-1, b""))[1]) for p, i in durable_names.items()},
                      stores, frozenset(announced),
                      frozenset(removing), frozenset(removed), dict(created))

    return model, cuts()


@dataclass
class Recording:
    events: list[Event]
    journal: Path
    home: Path  # the state folder the recorded worker used
    downloads: Path


def materialise(recording: Recording, model: Model, store: int, files: dict[str, bytes],
                move: Callable[[str], str]) -> None:
    """Put the disk as the cut left it where the recording ran: ``files`` (see
    :func:`torn`) and the store as of commit ``store`` (-1: none), with each of
    its links changed by ``move`` (to the servers of now, at full speed)."""
    for folder in (recording.home, recording.downloads):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    for path, content in files.items():
        Path(path).write_bytes(content)
    if store < 0:
        return
    database = recording.home / "downloads.sqlite3"
    database.write_bytes(model.images[store])
    with contextlib.closing(sqlite3.connect(database)) as db, db:
        for column in ("url", "final_url"):
            for download_id, url in db.execute(f"SELECT id, {column} FROM downloads").fetchall():
                if url:
                    db.execute(f"UPDATE downloads SET {column}=? WHERE id=?",
                               (move(url), download_id))


def torn(events: list[Event], cut: Cut, chance: random.Random) -> dict[str, bytes]:
    """The files of ``cut`` with a random subset of the data operations made
    after each file's last finished sync applied as well (in order): the kernel
    may have written any of them back before the power went."""
    files = {path: bytearray(content) for path, (_, content) in cut.files.items()}
    by_inode = {ino: path for path, (ino, _) in cut.files.items()}
    last_sync: dict[int, int] = {}
    starts: dict[int, int] = {}
    for position, event in enumerate(events[:cut.index]):
        if event[0] == "sync_start":
            starts[event[2]] = position
        elif event[0] == "sync_end":
            last_sync[event[1]] = max(last_sync.get(event[1], -1), starts[event[2]])
    for position, event in enumerate(events[:cut.index]):
        if event[0] not in ("write", "truncate", "allocate", "open") or (
                event[1] not in by_inode):
            continue
        if position < last_sync.get(event[1], -1) or chance.random() < 0.5:
            continue
        content = files[by_inode[event[1]]]
        if event[0] == "open":  # what another program wrote (or the same bytes)
            content[:] = event[2]
        elif event[0] == "write":
            _, _, offset, data, _ = event
            if len(content) < offset:
                content.extend(bytes(offset - len(content)))
            content[offset:offset + len(data)] = data
        elif event[2] > len(content):
            content.extend(bytes(event[2] - len(content)))
        elif event[0] == "truncate":
            del content[event[2]:]
    return {path: bytes(content) for path, content in files.items()}


# ---------------------------------------------------------------- the invariants


@dataclass(frozen=True)
class Row:
    id: int
    url: str
    directory: str
    state: str
    name: str
    size: int | None
    etag: str | None
    pieces: tuple[tuple[int, int | None, int], ...]


def rows(image: bytes) -> list[Row]:
    """The downloads in a store image."""
    plain = bytearray(image)
    plain[18:20] = b"\x01\x01"  # the WAL flag: read it as a plain file in memory
    db = sqlite3.connect(":memory:")
    try:
        db.deserialize(bytes(plain))
        pieces: dict[int, list[tuple[int, int | None, int]]] = {}
        for download_id, start, end, done in db.execute(
                'SELECT download_id, start, "end", done FROM segments ORDER BY start'):
            pieces.setdefault(download_id, []).append((start, end, done))
        return [Row(i, url, directory, state, name, size, etag, tuple(pieces.get(i, ())))
                for i, url, directory, state, name, size, etag in db.execute(
                    "SELECT id, url, directory, state, name, size, etag FROM downloads")]
    finally:
        db.close()


Source = Callable[[Row], bytes | None]  # the file a row names, if the test knows it


FINISHED = "finished, not yet recorded"


class Checker:
    """The invariants at each cut, with what it has worked out already kept.

    One window is allowed, and counted in :attr:`finished_unrecorded`: the
    ``.part`` was moved to its final name (durably) and the store does not say
    so yet.  The bytes are all on the disk under the final name; the next worker
    fetches the file again under a new name (a known limit,
    docs/reliability.md)."""

    def __init__(self, model: Model, source: Source) -> None:
        self.model = model
        self.source = source
        self.finished_unrecorded = 0
        self._rows: dict[int, list[Row]] = {}
        self._verdicts: dict[tuple[Any, ...], str | None] = {}

    def rows(self, store: int) -> list[Row]:
        if store not in self._rows:
            self._rows[store] = [] if store < 0 else rows(self.model.images[store])
        return self._rows[store]

    def violations(self, cut: Cut) -> list[str]:
        found = []
        for store in cut.stores:
            known = {row.id for row in self.rows(store)}
            lost = sorted(cut.announced - cut.removing - known)
            if lost:
                found.append(f"store {store}: announced downloads {lost} are not in it")
            for row in self.rows(store):
                problem = self._row(cut, store, row)
                if problem == FINISHED:
                    self.finished_unrecorded += 1
                elif problem:
                    found.append(f"store {store}, download {row.id} ({row.name}): {problem}")
        return found

    def _row(self, cut: Cut, store: int, row: Row) -> str | None:
        if not row.name:
            return None
        completed = row.state == "completed"
        path = os.path.join(row.directory, row.name + ("" if completed else ".part"))
        ino, content = cut.files.get(path, (-1, b""))
        if ino < 0 and not completed and path in cut.created:
            # Moved to its final name?  The same inode under another durable name.
            moved = [c for i, c in cut.files.values() if i == cut.created[path]]
            if moved and moved[0] == self.source(row):
                return FINISHED
        key = (store, row.id, ino, hash(content) if ino >= 0 else 0, path)
        if key not in self._verdicts:
            self._verdicts[key] = self._judge(row, path, ino, content, completed)
        return self._verdicts[key]

    def _judge(self, row: Row, path: str, ino: int, content: bytes,
               completed: bool) -> str | None:
        claimed = sum(done for _, _, done in row.pieces)
        if row.size is not None and row.pieces:
            ends = [0] + [end for _, end, _ in row.pieces]
            if [start for start, _, _ in row.pieces] != ends[:-1] or ends[-1] != row.size:
                return f"its pieces {row.pieces} do not tile the {row.size} bytes"
        elif row.size and not row.pieces:
            return f"it has a size ({row.size}) but no pieces"
        if ino < 0:
            if completed:
                return f"completed, but {path} is not on the disk"
            return f"counts {claimed} bytes done, but {path} is not on the disk" if claimed \
                else None
        source = self.source(row)
        if source is None:
            return None
        if completed:
            return None if content == source else f"completed, but {path} differs from the file"
        for start, end, done in row.pieces:
            if content[start:start + done] != source[start:start + done]:
                bad = next(i for i in range(start, start + done)
                           if i >= len(content) or content[i] != source[i])
                return (f"counts bytes {start}-{start + done} of piece {start}-{end} done, "
                        f"but byte {bad} on the disk is not the file's")
        return None


def back_from_removal(cut: Cut, checker: Checker) -> list[str]:
    """The downloads the client was told are removed that a store ``cut`` may
    leave still holds (a removal that was not durable before it was announced:
    after the power cut the download would be back, its ``.part`` deleted)."""
    found = []
    for store in cut.stores:
        back = sorted(cut.removed & {row.id for row in checker.rows(store)})
        if back:
            found.append(f"store {store}: removed downloads {back} are in it again")
    return found


def lag(events: list[Event], window: float) -> list[str]:
    """Where the last durable store counts fewer bytes of a running download
    than were written to its ``.part`` ``window`` seconds or more before.

    Bytes written are summed per file since it was last emptied (a download
    starting over truncates it), so the sum is what a checkpoint would count."""
    found: list[str] = []
    created: dict[str, int] = {}
    written: dict[int, list[tuple[float, int]]] = {}  # inode -> (time, bytes so far)
    claimed: dict[int, int] = {}  # inode -> bytes the last durable store counts done
    for event in events:
        kind = event[0]
        if kind == "create":
            created[event[1]] = event[2]
            written[event[2]] = [(0.0, 0)]
        elif kind == "truncate" and event[2] == 0:
            written[event[1]] = [(0.0, 0)]
        elif kind == "commit" and event[1]:
            claimed = {}
            for row in rows(event[2]):
                part = os.path.join(row.directory, row.name + ".part")
                if row.state != "completed" and part in created:
                    claimed[created[part]] = sum(done for _, _, done in row.pieces)
        elif kind == "write":
            _, ino, _, data, when = event
            history = written.setdefault(ino, [(0.0, 0)])
            history.append((when, history[-1][1] + len(data)))
            old = [total for moment, total in history if moment <= when - window]
            if ino in claimed and old and claimed[ino] < old[-1]:
                found.append(f"at {when:.2f} the store counts {claimed[ino]} bytes of inode "
                             f"{ino}; {old[-1]} had been written {window} s before")
    return found
