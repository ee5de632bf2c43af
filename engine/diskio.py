"""The one door through which the engine writes, syncs, renames and locks files.

Everything platform-specific about the disk lives here: positioned writes,
space reservation, flushing, the writeback hint, the no-overwrite rename,
removal, the directory sync, the state folder's lock and the open-file limit.  Two
implementations answer the same calls:

* :class:`PosixIO` (Linux, the BSDs, macOS): ``os.pwrite``,
  ``posix_fallocate``, ``fdatasync``, ``posix_fadvise``, a hard link for the
  no-overwrite rename, ``fcntl.flock`` and ``setrlimit``.
* :class:`PortableIO` (Windows, or anywhere with ``GREENGET_PORTABLE_IO=1``):
  seek-and-write through one descriptor per file under a lock, ``ftruncate``
  to reserve space, ``fsync``, no writeback hint, ``os.rename`` after a check
  (Windows' rename refuses to replace), ``msvcrt.locking`` (``lockf`` where
  there is no ``msvcrt``), no open-file limit to raise.

The implementation is chosen once, at import; :func:`install` swaps it (tests
put a recording one in its place to simulate a power cut).  Only
``engine/store.py``'s SQLite file is written elsewhere: SQLite syncs itself.
"""

from __future__ import annotations

import ctypes
import errno
import logging
import os
import sys
import threading
from pathlib import Path
from typing import IO, Protocol

log = logging.getLogger(__name__)

PORTABLE_ENV = "GREENGET_PORTABLE_IO"  # "1": use the portable fallbacks everywhere
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation


class File(Protocol):
    """One open file that downloads write into at given offsets."""

    def write_at(self, data: bytes | memoryview, offset: int) -> int:
        """Write (some of) ``data`` at ``offset``; return how many bytes were written."""
        ...

    def allocate(self, size: int) -> None:
        """Make the file ``size`` bytes long, reserving the space where the
        system can (so a full disk shows at once).  Raises ``OSError``."""
        ...

    def truncate(self, size: int) -> None: ...

    def sync(self) -> None:
        """Block until every byte written so far is on the disk (``fdatasync``).
        May run in another thread while the owner carries on writing."""
        ...

    def start_writeback(self) -> None:
        """Ask the system to start writing out what is written, without waiting."""
        ...

    def links(self) -> int:
        """How many names the file has (0: deleted while open)."""
        ...

    def duplicate(self) -> File:
        """A second handle on the same open file, to sync from another thread
        while this one may be closed."""
        ...

    def close(self) -> None: ...


class DiskIO(Protocol):
    """The operations on paths and the process, and the factory of :class:`File`."""

    name: str

    def create_exclusive(self, path: Path) -> None:
        """Create an empty ``path``; ``FileExistsError`` if anything (even a
        dangling symlink) is there."""
        ...

    def open(self, path: Path) -> File:
        """Open an existing file for reading and writing, never through a symlink."""
        ...

    def rename_new(self, source: Path, target: Path) -> None:
        """Move ``source`` to ``target`` atomically, never replacing an existing
        ``target`` (``FileExistsError``)."""
        ...

    def replace(self, source: Path, target: Path) -> None:
        """Move ``source`` to ``target``, replacing it."""
        ...

    def remove(self, path: Path) -> None:
        """Delete the file ``path`` (``FileNotFoundError`` if it is not there)."""
        ...

    def link_new(self, source: Path, target: Path) -> None:
        """Give ``source`` the second name ``target`` (a hard link), never
        replacing an existing ``target`` (``FileExistsError``); another
        ``OSError`` where the two are on different file systems or the file
        system has no hard links."""
        ...

    def sync_directory(self, path: Path) -> None:
        """Make the names created, moved or removed in ``path`` durable."""
        ...

    def lock(self, handle: IO[str]) -> None:
        """Lock an open file exclusively for this process, without waiting
        (``OSError`` if another holds it).  The lock goes when the process does."""
        ...

    def raise_open_file_limit(self, wanted: int) -> tuple[int, int | None]:
        """Raise the soft limit on open files towards ``wanted``; return the
        (soft, hard) limits now in force (hard ``None``: no limit)."""
        ...


# ---------------------------------------------------------------- POSIX


class PosixFile:
    def __init__(self, fd: int) -> None:
        self.fd = fd

    def write_at(self, data: bytes | memoryview, offset: int) -> int:
        return os.pwrite(self.fd, data, offset)

    def allocate(self, size: int) -> None:
        if in_memory(self.fd):
            # tmpfs: posix_fallocate zero-fills the memory the writes fill again
            # (0.1-0.36 s for 1 GiB); only check the room and size the file.
            room = os.fstatvfs(self.fd)
            if room.f_bavail * room.f_frsize < size - os.fstat(self.fd).st_size:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            os.ftruncate(self.fd, size)
            return
        try:
            os.posix_fallocate(self.fd, 0, size)
        except OSError as exc:  # the file system cannot reserve (NFS, FAT): just size it
            if exc.errno in (errno.ENOSPC, errno.EFBIG):
                raise
            os.ftruncate(self.fd, size)

    def truncate(self, size: int) -> None:
        os.ftruncate(self.fd, size)

    def sync(self) -> None:
        os.fdatasync(self.fd)

    def start_writeback(self) -> None:
        os.posix_fadvise(self.fd, 0, 0, os.POSIX_FADV_DONTNEED)

    def links(self) -> int:
        return os.fstat(self.fd).st_nlink

    def duplicate(self) -> PosixFile:
        return PosixFile(os.dup(self.fd))

    def close(self) -> None:
        os.close(self.fd)


_LIBC = ctypes.CDLL(None) if sys.platform.startswith("linux") else None
_IN_MEMORY_FILESYSTEMS = frozenset({0x01021994, 0x858458F6})  # tmpfs, ramfs (statfs f_type)


def in_memory(fd: int) -> bool:
    """True when ``fd`` is on a file system held in memory (Linux tmpfs or
    ramfs), where reserving space gains nothing."""
    fstatfs = getattr(_LIBC, "fstatfs", None)
    if fstatfs is None:
        return False
    # struct statfs starts with f_type (__fsword_t, a C long); 256 bytes hold all of it.
    buffer = ctypes.create_string_buffer(256)
    if fstatfs(fd, buffer) != 0:
        return False
    return ctypes.c_ulong.from_buffer(buffer).value in _IN_MEMORY_FILESYSTEMS


class PosixIO:
    name = "posix"

    def create_exclusive(self, path: Path) -> None:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644))

    def open(self, path: Path) -> File:
        return PosixFile(os.open(path, os.O_RDWR | _NOFOLLOW))

    def rename_new(self, source: Path, target: Path) -> None:
        try:
            os.link(source, target)  # atomic, fails when ``target`` exists
        except FileExistsError:
            raise
        except OSError:  # no hard links here (FAT, some network shares)
            _PORTABLE.rename_new(source, target)
            return
        os.unlink(source)

    def replace(self, source: Path, target: Path) -> None:
        os.replace(source, target)

    def remove(self, path: Path) -> None:
        os.unlink(path)

    def link_new(self, source: Path, target: Path) -> None:
        os.link(source, target, follow_symlinks=False)

    def sync_directory(self, path: Path) -> None:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def lock(self, handle: IO[str]) -> None:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def raise_open_file_limit(self, wanted: int) -> tuple[int, int | None]:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        unlimited = hard == resource.RLIM_INFINITY
        target = wanted if unlimited else min(wanted, hard)
        if target > soft:
            try:
                resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
                soft = target
            except (ValueError, OSError) as exc:
                log.warning("could not raise the open-file limit from %d: %s", soft, exc)
        return soft, None if unlimited else hard


# ---------------------------------------------------------------- portable


class PortableFile:
    """Positioned writes without ``pwrite``: seek and write under a lock, so
    two connections of one download never interleave their seek and write."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._lock = threading.Lock()

    def write_at(self, data: bytes | memoryview, offset: int) -> int:
        with self._lock:
            os.lseek(self.fd, offset, os.SEEK_SET)
            return os.write(self.fd, data)

    def allocate(self, size: int) -> None:
        os.ftruncate(self.fd, size)

    def truncate(self, size: int) -> None:
        os.ftruncate(self.fd, size)

    def sync(self) -> None:
        os.fsync(self.fd)

    def start_writeback(self) -> None:
        """No portable way to hint; the flush at each checkpoint does the work."""

    def links(self) -> int:
        return os.fstat(self.fd).st_nlink

    def duplicate(self) -> PortableFile:
        return PortableFile(os.dup(self.fd))

    def close(self) -> None:
        os.close(self.fd)


class PortableIO:
    name = "portable"

    def create_exclusive(self, path: Path) -> None:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY | _NOFOLLOW,
                         0o644))

    def open(self, path: Path) -> File:
        if os.path.islink(path):  # O_NOFOLLOW may not exist here
            raise OSError(errno.ELOOP, "refusing to follow a symbolic link", str(path))
        return PortableFile(os.open(path, os.O_RDWR | _BINARY | _NOFOLLOW))

    def rename_new(self, source: Path, target: Path) -> None:
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, "file exists", str(target))
        os.rename(source, target)  # on Windows this also refuses an existing target

    def replace(self, source: Path, target: Path) -> None:
        os.replace(source, target)

    def remove(self, path: Path) -> None:
        os.unlink(path)

    def link_new(self, source: Path, target: Path) -> None:
        if not hasattr(os, "link"):
            raise OSError(errno.ENOTSUP, "no hard links here", str(target))
        os.link(source, target)  # NTFS has hard links; FAT refuses (then callers copy)

    def sync_directory(self, path: Path) -> None:
        """Windows cannot open a folder to sync it; NTFS journals its names."""

    def lock(self, handle: IO[str]) -> None:
        try:
            import msvcrt
        except ImportError:  # forced on a POSIX system: the nearest relative
            import fcntl

            fcntl.lockf(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 0)
            return
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]

    def raise_open_file_limit(self, wanted: int) -> tuple[int, int | None]:
        """Windows has no such limit to raise (sockets are not C runtime files)."""
        return wanted, None


_PORTABLE = PortableIO()


def _choose() -> DiskIO:
    if os.environ.get(PORTABLE_ENV) == "1" or not hasattr(os, "pwrite"):
        return _PORTABLE
    return PosixIO()


_current: DiskIO = _choose()


def current() -> DiskIO:
    """The implementation in use."""
    return _current


def install(implementation: DiskIO) -> DiskIO:
    """Use ``implementation`` from now on; returns the one it replaces."""
    global _current
    previous, _current = _current, implementation
    log.debug("disk I/O through %s", implementation.name)
    return previous
