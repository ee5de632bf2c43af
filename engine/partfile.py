"""The ``.part`` file a download writes into, from reservation to the final name.

A :class:`PartFile` knows nothing of HTTP: it opens (or reserves) the file,
reserves its space, writes bytes at offsets, starts writeback every
:data:`WRITEBACK_EVERY` bytes, flushes off the hub's thread, and moves the
finished file to a free final name.  Every call goes through
:mod:`engine.diskio`, so a test can watch or cut it.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path

import gevent
from gevent.event import AsyncResult

from engine import diskio, filenames

log = logging.getLogger(__name__)

WRITEBACK_EVERY = 32 * 1024 * 1024  # bytes written between two writeback hints


class PartFile:
    """``<directory>/<name>.part``, open for positioned writes."""

    def __init__(self, directory: Path, name: str, file: diskio.File) -> None:
        self.directory = directory
        self.name = name
        self._file: diskio.File | None = file
        self._unflushed = 0  # bytes written since writeback was last started

    @classmethod
    def open(cls, directory: Path, name: str) -> PartFile:
        """Open the existing ``.part`` of ``name`` (``OSError`` if it is gone)."""
        return cls(directory, name, diskio.current().open(part_path(directory, name)))

    @classmethod
    def reserve(cls, directory: Path, wanted: str) -> PartFile:
        """Create the ``.part`` of the first free name like ``wanted`` and open
        it.  Record the name, then :meth:`sync_name` before writing a byte:
        synced first, a worker killed during the sync would leave a ``.part``
        no record names, and its download would start again under ``(1)``."""
        return cls.open(directory, filenames.reserve(directory, wanted))

    def sync_name(self) -> None:
        """Make the ``.part``'s name durable (the store will count bytes in it)."""
        sync_folder(self.directory)

    @property
    def path(self) -> Path:
        return part_path(self.directory, self.name)

    @property
    def is_open(self) -> bool:
        return self._file is not None

    def allocate(self, size: int | None) -> None:
        """Reserve the disk space now, so a full disk is reported at once."""
        if size:
            self._opened().allocate(size)

    def empty(self, size: int | None) -> None:
        """Forget every byte written and reserve ``size`` bytes again."""
        self._opened().truncate(0)
        self.allocate(size)

    def truncate(self, size: int) -> None:
        self._opened().truncate(size)

    def write(self, data: bytes | memoryview, offset: int) -> None:
        """Write all of ``data`` at ``offset`` (``OSError`` on a disk error)."""
        file = self._opened()
        view = memoryview(data)
        while view:
            written = file.write_at(view, offset)
            view = view[written:]
            offset += written
        self._unflushed += len(data)
        if self._unflushed >= WRITEBACK_EVERY:
            self.start_writeback()

    def start_writeback(self) -> None:
        """Ask the kernel to start writing what is written so far, without
        waiting: the flush at each checkpoint and before the rename then finds
        little left to do, and a big file does not fill the page cache."""
        self._unflushed = 0
        if self._file is None:
            return
        try:
            self._file.start_writeback()
        except OSError as exc:
            log.debug("no early writeback for %s: %s", self.path, exc)

    def flush(self) -> None:
        """Block this greenlet (not the hub) until the written bytes are on disk.
        Safe while another greenlet closes the file meanwhile."""
        if self._file is None:
            return
        twin = self._file.duplicate()
        try:
            gevent.get_hub().threadpool.apply(twin.sync)
        finally:
            twin.close()

    def deleted(self) -> bool:
        """True when the ``.part`` was removed while open."""
        return self._opened().links() == 0

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def remove(self) -> None:
        """Close and delete the ``.part`` (gone already is fine)."""
        self.close()
        with contextlib.suppress(FileNotFoundError):
            diskio.current().remove(self.path)

    def rename_to_final(self) -> str:
        """Move the closed ``.part`` to a free final name (never overwriting);
        return that name."""
        assert self._file is None, "close the .part before renaming it"
        final = filenames.finish(self.directory, self.name)
        sync_folder(self.directory)  # before the store calls it completed
        return final

    def relocated(self, directory: Path, name: str, *, reopen: bool) -> None:
        """The ``.part`` is ``<directory>/<name>.part`` now.  With ``reopen``
        (it was copied, not linked) an open file is opened again there, so
        the writes that follow go into the new copy."""
        self.directory, self.name = directory, name
        if reopen and self._file is not None:
            self._file.close()
            self._file = diskio.current().open(self.path)

    def _opened(self) -> diskio.File:
        if self._file is None:
            raise ValueError(f"{self.path} is closed")
        return self._file


class FolderSyncs:
    """Folder syncs as a group commit: the callers that ask while a sync of the
    same folder runs share the next one.  Each caller returns once a sync that
    began after its call has ended (so its new or moved name is durable), but
    sixteen downloads creating or finishing files in one folder together cost a
    sync or two, not sixteen (each also a hand-off to the thread pool).  The
    syncs run off the hub's thread: a busy disk may take a while."""

    def __init__(self) -> None:
        self._next: dict[Path, AsyncResult[None]] = {}  # the callers of the next sync
        self._running: set[Path] = set()

    def sync(self, directory: Path) -> None:
        """Return once ``directory``'s names are durable (``OSError`` if not)."""
        waiting = self._next.get(directory)
        if waiting is None:
            waiting = self._next[directory] = AsyncResult()
            if directory not in self._running:
                self._start(directory)
        waiting.get()

    def _start(self, directory: Path) -> None:
        self._running.add(directory)
        gevent.spawn(self._serve, directory)

    def _serve(self, directory: Path) -> None:
        """Sync for each group that gathered while the previous sync ran."""
        try:
            while (waiting := self._next.pop(directory, None)) is not None:
                try:
                    gevent.get_hub().threadpool.apply(diskio.current().sync_directory,
                                                      (directory,))
                except BaseException as exc:  # the group fails as one caller would have
                    waiting.set_exception(exc)
                    if not isinstance(exc, Exception):
                        raise  # killed: this greenlet ends (others serve any next group)
                else:
                    waiting.set(None)
        finally:
            self._running.discard(directory)
            if directory in self._next:  # only after an interruption: serve them anew
                self._start(directory)


_FOLDER_SYNCS = FolderSyncs()


def sync_folder(directory: Path) -> None:
    """Make the names created or moved in ``directory`` survive a power cut."""
    _FOLDER_SYNCS.sync(directory)


def part_path(directory: Path, name: str) -> Path:
    return directory / (name + filenames.PART_SUFFIX)
