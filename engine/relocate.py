"""Moving a download's file into another folder: safely, never replacing.

Used when a person moves a download to another category.  The file (a
finished one, or the ``.part`` of an unfinished one) gets the first free name
like its own in the new folder (a name is free when neither it nor its
``.part`` exists, as for a new download), and the old name goes only after
the store records the new one, so at every moment of a crash or a power cut
the store names a file that holds every byte it counts:

1. On one file system the file gets a second name (a hard link: no byte is
   copied, and an open ``.part`` keeps being the same file); across file
   systems (or where there are no hard links) it is copied into an
   exclusively created ``.part``, flushed, and for a finished file moved to
   its final name without replacing anything.  The new folder is synced.
2. The caller records the new folder and name durably.
3. :meth:`Moved.forget_source` removes the old name and syncs the old folder.

A failure in step 1 removes what it created and raises ``OSError``; the file
stays where it was.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import gevent

from engine import diskio, filenames
from engine.partfile import part_path, sync_folder

log = logging.getLogger(__name__)

COPY_BLOCK = 4 * 1024 * 1024
# link() errors that mean "no hard link possible here", not "something is wrong".
_NO_LINK = frozenset({errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP,
                      errno.EOPNOTSUPP, errno.ENOSYS})


@dataclass(frozen=True)
class Moved:
    """A file that has its new name, and still its old one."""

    source: Path
    folder: Path
    name: str  # the name in ``folder`` (the ``.part``'s, for an unfinished file)
    copied: bool  # a copy, not a second name: an open file must be opened again

    def forget_source(self) -> None:
        """Remove the old name (once the store names the new one).  A failure
        leaves a second copy behind, never a loss: it is logged."""
        try:
            with contextlib.suppress(FileNotFoundError):
                diskio.current().remove(self.source)
            sync_folder(self.source.parent)
        except OSError as exc:
            log.warning("moved, but the old %s stays: %s", self.source, exc)


def move(source: Path, folder: Path, name: str, *, unfinished: bool) -> Moved:
    """Give ``source`` (the file ``name``, or with ``unfinished`` its
    ``.part``) a free name like ``name`` in ``folder``; see the module."""
    folder.mkdir(parents=True, exist_ok=True)
    io = diskio.current()
    for candidate in filenames.candidates(name):
        final = folder / candidate
        target = part_path(folder, candidate) if unfinished else final
        if os.path.lexists(final) or os.path.lexists(part_path(folder, candidate)):
            continue
        try:
            io.link_new(source, target)
        except FileExistsError:
            continue
        except OSError as exc:
            if exc.errno not in _NO_LINK:
                raise
            log.info("no hard link from %s to %s (%s): copying", source, folder, exc.strerror)
            return _copy(source, folder, candidate, unfinished=unfinished)
        sync_folder(folder)
        return Moved(source, folder, candidate, copied=False)
    raise FileExistsError(errno.EEXIST, f"no free file name for {name!r}", str(folder))


def _copy(source: Path, folder: Path, wanted: str, *, unfinished: bool) -> Moved:
    name = filenames.reserve(folder, wanted)  # <name>.part, created exclusively
    part = part_path(folder, name)
    try:
        target = diskio.current().open(part)
        try:
            gevent.get_hub().threadpool.apply(_copy_into, (source, target))
        finally:
            target.close()
        if not unfinished:
            name = filenames.finish(folder, name)
        sync_folder(folder)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return Moved(source, folder, name, copied=True)


def _copy_into(source: Path, target: diskio.File) -> None:
    """Copy every byte of ``source`` into ``target`` and flush it (in a thread)."""
    offset = 0
    with open(source, "rb") as handle:
        while block := handle.read(COPY_BLOCK):
            view = memoryview(block)
            while view:
                written = target.write_at(view, offset)
                view = view[written:]
                offset += written
    target.truncate(offset)
    target.sync()
