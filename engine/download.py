"""One download's life: probe, name, fetch (segmented or streamed), resume, finish.

A :class:`Download` runs in its own greenlet; pausing kills that greenlet (and
its connection greenlets), after which the scheduler's checkpoint records what
is on disk.  Bytes are written at their offsets into one ``.part`` file
(:class:`engine.partfile.PartFile`); the counts in the store never run ahead of
the bytes flushed to disk.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import http.client
import logging
import re
import shutil
import stat
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar, cast
from urllib.parse import urlsplit

import gevent
import gevent.event
import gevent.lock
import gevent.pool
import requests
import urllib3

from engine import categories, filenames, hls, media, naming, retries, segments
from engine.body import ReadBudget, ReadBuffer, body_reader
from engine.checksums import SIDECAR
from engine.http import (
    DownloadError,
    Sessions,
    SourceChanged,
    network_error,
    parse_content_range,
    server_digest,
    status_error,
    unsatisfied_range_size,
    validators_of,
    with_range,
)
from engine.partfile import PartFile, part_path
from engine.protocol import ErrorCode, State
from engine.ratelimit import TokenBucket
from engine.retries import Action
from engine.segments import Piece
from engine.settings import Settings
from engine.store import Record
from engine.urls import check_url, redact

log = logging.getLogger(__name__)

MAX_RESTARTS = 3
_SHA256_HEX = re.compile(r"\b[0-9a-fA-F]{64}\b")
MIN_READ = 64 * 1024
WAITED = 0.02  # a read that took longer than this waited for the network
_HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_PLAYLIST = 16 * 1024 * 1024  # bytes of an HLS playlist read at most
MEDIA_PIECE = 2 * 1024 * 1024  # a file merged with another is fetched in ranges of this size
_T = TypeVar("_T")


class RangesIgnored(Exception):
    """The server answered a range request with the whole file (200)."""

    def __init__(self, response: requests.Response) -> None:
        super().__init__("the server ignored the range")
        self.response = response


class Update(Protocol):
    """Set ``changes`` on ``record``, store it (with its pieces if ``pieces``;
    on the disk when it returns if ``durable``) and announce the fields the
    client sees (see :meth:`Scheduler.update`)."""

    def __call__(self, record: Record, *, pieces: bool = False, announce: bool = True,
                 durable: bool = False, **changes: object) -> None: ...


@dataclass
class Context:
    """What every download shares."""

    settings: Settings
    sessions: Sessions
    global_limit: TokenBucket
    update: Update
    read_budget: ReadBudget = field(default_factory=ReadBudget)


def disk_error(exc: OSError, directory: str) -> DownloadError:
    """What a write or create failure means."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return DownloadError(f"The disk is full (or the file is too large) in {directory}.",
                             code=ErrorCode.DISK_FULL, transient=False)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return DownloadError(f"Greenget may not write in {directory} (permission denied).",
                             code=ErrorCode.PERMISSION, transient=False)
    if exc.errno == errno.ENOENT:
        return DownloadError(f"The folder {directory} or the .part file no longer exists.",
                             code=ErrorCode.MISSING, transient=False)
    if isinstance(exc, FileExistsError):
        return DownloadError(f"No free file name is left in {directory}: {exc}.",
                             code=ErrorCode.NAME, transient=False)
    return DownloadError(f"Could not write the file in {directory}: {exc.strerror or exc}.",
                         code=ErrorCode.DISK, transient=False)


def _is_html(response: requests.Response) -> bool:
    return response.headers.get("Content-Type", "").split(";")[0].strip().lower() in _HTML_TYPES


def _content_length(response: requests.Response) -> int | None:
    value = response.headers.get("Content-Length")
    if value is None or not value.strip().isdigit():
        return None
    return int(value)


def _encoded(response: requests.Response) -> bool:
    return response.headers.get("Content-Encoding", "identity").strip().lower() not in (
        "", "identity")


class Download:
    def __init__(self, record: Record, context: Context) -> None:
        self.record = record
        self.ctx = context
        self.limit = TokenBucket(record.speed_limit, sleep=gevent.sleep)
        self.received = 0  # bytes received by this run, for the speed figure
        self._part: PartFile | None = None
        self._workers: list[gevent.Greenlet] = []
        self._failing: set[int] = set()
        self._error: Exception | None = None
        self._restarts = 0
        self._buffer: ReadBuffer | None = None  # connection 0's, while running
        # What is fetched: the link itself, or the format chosen of a media page.
        self._source = record.url
        self._headers = record.headers
        self._title = ""  # a media page's, for the file's name
        # Moving the file to another folder: writes wait while this is clear,
        # and finishing (or a move) holds the lock.
        self._writable = gevent.event.Event()
        self._writable.set()
        self._disk = gevent.lock.Semaphore()

    # ------------------------------------------------------------ public

    def run(self) -> None:
        """Run to the end: completed, or failed with a reason.  Killing the
        greenlet (pause) leaves the state to the caller."""
        record = self.record
        try:
            # The first connection's buffer, taken now so the read budget counts
            # this download from its probe on (a hundred starting at once
            # would otherwise each grow to a megabyte before seeing the others).
            with ReadBuffer(self.ctx.settings.chunk_size, self.ctx.read_budget) as self._buffer:
                self._run()
        except DownloadError as exc:
            log.info("download %d failed (%s): %s", record.id, exc.code, exc)
            self._fail(exc)
        except OSError as exc:
            self._fail(disk_error(exc, record.directory))
        except Exception as exc:  # a bug: say so in the row, keep the worker alive
            log.exception("download %d crashed", record.id)
            self._fail(DownloadError(f"Internal error: {exc!r}", code=ErrorCode.INTERNAL,
                                     transient=False))

    def _fail(self, exc: DownloadError) -> None:
        """End in *failed*, keeping every byte on disk counted for a retry."""
        self.flush()
        self.close()
        self.ctx.update(self.record, state=State.FAILED, error=str(exc), error_code=exc.code,
                        pieces=True)

    def checkpoint_counts(self) -> list[tuple[int, int | None, int]]:
        """The pieces as they stand now (take this *before* flushing)."""
        return [(p.start, p.end, p.done) for p in self.record.pieces]

    def flush(self) -> None:
        """Flush this download's written bytes to disk (off the hub's thread)."""
        if self._part is None:
            return
        try:
            self._part.flush()
        except OSError as exc:
            log.warning("could not flush download %d: %s", self.record.id, exc)

    @property
    def part(self) -> PartFile | None:
        """The open ``.part`` (``None`` before a name is reserved)."""
        return self._part

    @contextlib.contextmanager
    def paused_for_move(self) -> Iterator[None]:
        """Hold the file still while it is moved to another folder: wait for
        a finish in progress to end, then hold writes back until the block
        is left (the connections wait; nothing is lost)."""
        with self._disk:
            self._writable.clear()
            try:
                yield
            finally:
                self._writable.set()

    # ------------------------------------------------------------ phases

    def _run(self) -> None:
        record = self.record
        reason = check_url(record.url)
        if reason:
            raise DownloadError(reason, code=ErrorCode.BAD_URL, transient=False)
        first: requests.Response | None = None
        if record.name and not self._part_path().exists() and self._renamed_before_a_crash():
            log.info("download %d: %s was complete before the worker stopped", record.id,
                     record.name)
            for piece in record.pieces:
                piece.done = piece.end - piece.start if piece.end is not None else piece.done
            self.ctx.update(record, state=State.COMPLETED, error="", error_code="",
                            pieces=True, durable=True)
            return
        fresh = not record.name or not self._part_path().exists()
        if record.media:
            self._run_media(fresh)
            return
        if fresh:
            probe = self._with_retries(self._probe)
            if hls.is_playlist_url(probe.url) or hls.is_playlist_type(
                    probe.headers.get("Content-Type")):
                self._run_hls(probe)
                return
            first = self._start_fresh(response=probe)
        else:
            self._part = PartFile.open(Path(record.directory), record.name)
            playlist = self._resumed_playlist()
            if playlist is not None:
                self._run_hls(None, playlist)
                return
        self._run_file(first)

    def _run_file(self, first: requests.Response | None) -> None:
        """Fetch the pieces of a file (``first``: the probe's response, whose
        body is the first piece), starting over if it changes, then finish."""
        record = self.record
        while True:
            try:
                self._fetch_all(first)
                break
            except SourceChanged as exc:
                if record.verify_new_source:
                    raise DownloadError(
                        "The new link is for a different file (its size or version differs); "
                        "the bytes already downloaded were kept.", code=ErrorCode.OTHER_FILE,
                        transient=False) from exc
                self._restarts += 1
                if self._restarts > MAX_RESTARTS:
                    raise DownloadError("The file keeps changing on the server.",
                                        code=ErrorCode.CHANGED, transient=False) from exc
                log.info("download %d: %s; starting over", record.id, exc)
                first = self._start_fresh(restart=True)
            except RangesIgnored as exc:
                log.info("download %d: the server ignores ranges; one connection from 0",
                         record.id)
                first = exc.response
                record.pieces = self._plan(record.size, resumable=False)
                self.ctx.update(record, resumable=False, pieces=True, durable=True)
                assert self._part is not None
                self._part.empty(record.size)  # only once the store forgot its bytes
        with self._disk:
            self._finish()

    def _part_path(self) -> Path:
        return part_path(Path(self.record.directory), self.record.name)

    def _wanted_name(self, response: requests.Response | None, *, headers: bool = True) -> str:
        """The name asked for, else a media page's title (with the format's
        extension), else the server's (from ``response``'s ``headers`` when
        asked, as Chromium names files)."""
        record = self.record
        if record.requested_name:
            return filenames.sanitize(record.requested_name)
        if self._title:
            ext = Path(urlsplit(self._source).path).suffix if response is not None else ""
            return filenames.sanitize(self._title + ext)
        assert response is not None
        if not headers:
            return naming.suggested_name(None, response.url, None)
        return naming.suggested_name(response.headers.get("Content-Disposition"), response.url,
                                     response.headers.get("Content-Type"))

    def _renamed_before_a_crash(self) -> bool:
        """True when the worker stopped between moving the finished ``.part`` to
        its name and recording that (the folder sync between the two takes a
        while): the ``.part`` is gone and a whole file of the size has its name."""
        record = self.record
        try:
            found = (Path(record.directory) / record.name).lstat()
        except OSError:
            return False
        return (record.size is not None and stat.S_ISREG(found.st_mode)
                and found.st_size == record.size)

    def _start_fresh(self, *, restart: bool = False,
                     response: requests.Response | None = None) -> requests.Response:
        """Probe with a GET, pick and reserve the name, plan the pieces; with
        ``restart`` (the file changed on the server) learn it all again and
        empty the ``.part`` in place.

        Returns the probe's response, whose body is used for the first piece
        (a small file costs one request)."""
        record = self.record
        if response is None:
            response = self._with_retries(self._probe)
        size = None if _encoded(response) else _content_length(response)
        if size is not None:
            self._check_cap(size)
        ranges = "bytes" in response.headers.get("Accept-Ranges", "").lower()
        if restart:
            name = record.name
        else:  # a new download, or its .part vanished: start over under that name if free
            wanted = record.name or self._wanted_name(response)
            directory = self._sorted_folder(wanted, response.headers.get("Content-Type"))
            directory.mkdir(parents=True, exist_ok=True)
            self._part = PartFile.reserve(directory, wanted)
            name = self._part.name
        decoded = _encoded(response)
        resumable = bool(ranges and size is not None and not decoded)
        checksum = record.checksum
        if not checksum and not decoded:
            checksum = server_digest(response.headers)
        assert self._part is not None
        if not restart:
            self._part.allocate(size)
        record.pieces = self._plan(size, resumable=resumable, url=response.url)
        # Starting over, the store forgets the old bytes (durably) before the disk
        # does: a power cut between the two must not leave counts over emptied space.
        self.ctx.update(record, name=name, size=size, error="", error_code="",
                        checksum=checksum, directory=record.directory, category=record.category,
                        final_url=response.url, validators=validators_of(response),
                        decoded=decoded, resumable=resumable, pieces=True, durable=restart)
        if restart:
            self._part.empty(size)
        else:
            self._part.sync_name()  # recorded first, so a kill meanwhile orphans nothing
        log.info("download %d: %s -> %s (%s bytes, %d pieces)", record.id,
                 redact(response.url), name, size, len(record.pieces))
        return response

    def _sorted_folder(self, name: str, content_type: str | None) -> Path:
        """The folder the file goes into, its category decided (once: a
        category already chosen, by a person or an earlier run, stays)."""
        record, settings = self.record, self.ctx.settings
        if not record.category:
            record.category = categories.classify(name, content_type, settings.category_rules)
            if record.category_root is not None:
                record.directory = categories.folder(
                    record.category_root, record.category, dated=settings.dated_folders,
                    added=record.added)
        return Path(record.directory)

    def _probe(self) -> requests.Response:
        self.ctx.sessions.ensure_pool(self._connections() * self.ctx.settings.max_active)
        try:
            response = self.ctx.sessions.open(self._source, self._headers, self._timeout())
        except requests.RequestException as exc:
            raise network_error(exc) from exc
        if response.status_code != 200:
            response.close()
            raise status_error(response)
        return response

    def _plan(self, size: int | None, *, resumable: bool, url: str | None = None) -> list[Piece]:
        connections = self._connections(url) if resumable else 1
        return segments.plan(size, connections, self.ctx.settings.min_piece)

    def close(self) -> None:
        if self._part is not None:
            self._part.close()

    def _fetch_all(self, first: requests.Response | None) -> None:
        record = self.record
        for piece in record.pieces:
            piece.active = False
        count = 1
        if record.resumable:  # no more connections than pieces there can be
            left = sum(p.remaining or 0 for p in record.pieces)
            count = max(1, min(self._connections(), left // self.ctx.settings.min_piece))
        self.ctx.sessions.ensure_pool(count * self.ctx.settings.max_active)
        self._error = None
        if count == 1:  # one connection: no greenlet of its own needed
            self._workers = [cast(gevent.Greenlet, gevent.getcurrent())]
            try:
                self._fetch_pieces(0, first)
            finally:
                self._workers = []
            return
        self._workers = [gevent.spawn(self._worker, i, first if i == 0 else None)
                         for i in range(count)]
        try:
            gevent.joinall(self._workers)
        finally:
            gevent.killall(self._workers)
            self._workers = []
        if self._error is not None:
            raise self._error

    def _worker(self, index: int, response: requests.Response | None) -> None:
        """One connection; its failure stops the others and ends the fetch."""
        try:
            self._fetch_pieces(index, response)
        except Exception as exc:
            if self._error is None:
                self._error = exc
            for worker in self._workers:
                if worker is not gevent.getcurrent():
                    worker.kill(block=False)

    def _fetch_pieces(self, index: int, response: requests.Response | None) -> None:
        pieces = self.record.pieces
        min_piece = self.ctx.settings.min_piece
        first = self._buffer
        assert first is not None
        own: contextlib.AbstractContextManager[ReadBuffer] = (
            contextlib.nullcontext(first) if index == 0
            else ReadBuffer(self.ctx.settings.chunk_size, self.ctx.read_budget))
        with own as buffer:  # this connection's, for its life
            piece = segments.take(pieces, min_piece)
            while piece is not None:
                try:
                    if not self._fetch_piece(index, piece, response, buffer):
                        return  # the server refuses this extra connection
                finally:
                    piece.active = False
                    response = None
                piece = segments.take(pieces, min_piece)

    # ------------------------------------------------------------ one piece

    def _fetch_piece(self, index: int, piece: Piece, response: requests.Response | None,
                     buffer: ReadBuffer) -> bool:
        """Fetch ``piece`` to its end, retrying transient failures.  Returns
        False when this connection should end because the server refused it
        while other connections carry on."""
        settings = self.ctx.settings
        attempts = 0
        while not piece.finished:
            before = piece.done
            try:
                if response is None:
                    response = self._request(piece)
                ended = self._stream(response, piece, buffer)
                if ended and piece.end is None:
                    piece.end = piece.position  # a stream of unknown size ended
                    return True
                if not piece.finished:
                    raise DownloadError("The connection closed before the data was complete; "
                                        "trying again.", code=ErrorCode.INCOMPLETE,
                                        transient=True)
            except DownloadError as exc:
                decision = retries.after_failure(
                    exc, attempts=attempts, progressed=piece.done > before,
                    others_receiving=exc.refused and self._others_receiving(index),
                    settings=settings)
                if decision.action is Action.DROP:
                    self._drop_connection(index, exc)
                    return False
                if decision.action is Action.FAIL:
                    raise
                if decision.action is Action.GIVE_UP:
                    raise retries.gave_up(decision.attempts, exc) from exc
                attempts = decision.attempts
                self._retrying(index, exc)
                gevent.sleep(decision.delay)
            finally:
                if response is not None:
                    response.close()
                response = None
        return True

    def _request(self, piece: Piece) -> requests.Response:
        record = self.record
        url = record.final_url or record.url
        if not record.resumable and piece.done:
            log.info("download %d: the server cannot resume; starting again from 0", record.id)
            piece.done = 0
        start = piece.position
        headers = self._headers
        if record.resumable:
            headers = with_range(headers, start, piece.end, record.validators)
        try:
            response = self.ctx.sessions.open(url, headers, self._timeout())
        except requests.RequestException as exc:
            raise network_error(exc) from exc
        try:
            self._check(response, piece, start)
        except BaseException:
            response.close()
            raise
        return response

    def _check(self, response: requests.Response, piece: Piece, start: int) -> None:
        """Accept ``response`` for bytes from ``start`` or say what it means."""
        record = self.record
        code = response.status_code
        if code == 206:
            got = parse_content_range(response.headers.get("Content-Range"))
            if got is not None and got.total is not None and got.total != record.size:
                raise SourceChanged("the file's size changed on the server")
            if got is None or got.start != start:
                raise DownloadError("The server sent the wrong part of the file; trying again.",
                                    code=ErrorCode.WRONG_RANGE, transient=True)
            if validators_of(response).conflicts_with(record.validators):
                raise SourceChanged("the file changed on the server")
            record.verify_new_source = False
            return
        if code == 200:
            length = None if _encoded(response) else _content_length(response)
            if not record.resumable and start == 0:
                if record.size is not None and length != record.size:
                    raise SourceChanged("the file's size changed on the server")
                return
            if _is_html(response) and length != record.size:
                raise DownloadError("The server sent a web page instead of the file; "
                                    "trying again.", code=ErrorCode.WEB_PAGE, transient=True)
            if length != record.size or validators_of(response).conflicts_with(record.validators):
                raise SourceChanged("the file changed on the server")
            raise RangesIgnored(response)
        if code == 416:
            total = unsatisfied_range_size(response.headers.get("Content-Range"))
            if total is not None and total != record.size:
                raise SourceChanged("the file's size changed on the server")
            raise DownloadError("The server refused the range it offered; trying again.",
                                code=ErrorCode.RANGE_REFUSED, transient=True)
        raise status_error(response)

    def _stream(self, response: requests.Response, piece: Piece, buffer: ReadBuffer) -> bool:
        """Copy the body into the file at the piece's position until the piece
        is complete (True if the body ended there or earlier)."""
        part = self._part
        assert part is not None
        read = body_reader(response, buffer, self.record.decoded)
        default_chunk = self.ctx.settings.chunk_size
        global_limit = self.ctx.global_limit
        # A read fills what it asks for before it returns, so a slow connection
        # asks for little (and gives back the pages it no longer uses) and a
        # fast one grows to the full chunk, or to its share of the read budget
        # when many connections are open.
        want = MIN_READ
        try:
            while True:
                remaining = piece.remaining
                if remaining is not None and remaining <= 0:
                    return False
                chunk = min(want, self.limit.chunk_size(default_chunk),
                            global_limit.chunk_size(default_chunk))
                if remaining is not None:
                    chunk = min(chunk, remaining)
                started = time.monotonic()
                data = read(chunk)
                if not data:
                    return True
                share = buffer.share()
                waited = time.monotonic() - started > WAITED  # we sat on the buffer
                smaller = max(MIN_READ, min(want // 2 if waited else want, share))
                if smaller < want:
                    want = smaller
                    buffer.trim(want)
                elif not waited and len(data) >= want:
                    want = min(share, want * 2)
                remaining = piece.remaining  # a split may have moved the end meanwhile
                if remaining is not None and len(data) > remaining:
                    data = data[:remaining]
                if remaining is None:
                    self._check_cap(piece.position + len(data))
                self._write(part, data, piece.position)
                piece.done += len(data)
                self.received += len(data)
                self._receiving()
                self.limit.consume(len(data))
                global_limit.consume(len(data))
        except (requests.RequestException, OSError, urllib3.exceptions.HTTPError,
                http.client.HTTPException) as exc:
            raise network_error(exc) from exc

    def _write(self, part: PartFile, data: bytes | memoryview, offset: int) -> None:
        if not self._writable.is_set():  # the file is being moved: wait, then write there
            self._writable.wait()
        try:
            part.write(data, offset)
        except OSError as exc:
            raise disk_error(exc, self.record.directory) from exc

    # ------------------------------------------------------------ state shown

    def _receiving(self) -> None:
        if self._failing:
            self._failing.clear()
        if self.record.state is State.RETRYING:
            self.ctx.update(self.record, state=State.DOWNLOADING, error="", error_code="")

    def _retrying(self, index: int, exc: DownloadError) -> None:
        self._failing.add(index)
        if len(self._failing) >= max(1, len(self._workers)):
            self.ctx.update(self.record, state=State.RETRYING, error=str(exc),
                            error_code=exc.code)

    def _others_receiving(self, index: int) -> bool:
        return any(i != index and i not in self._failing and not worker.dead
                   for i, worker in enumerate(self._workers))

    def _drop_connection(self, index: int, exc: DownloadError) -> None:
        """The server turned away one connection while others work: carry on with
        fewer, and remember the host's cap for later downloads."""
        alive = sum(1 for i, w in enumerate(self._workers) if i != index and not w.dead)
        log.info("download %d: the server refused connection %d (%s); going on with %d",
                 self.record.id, index, exc, alive)
        self.ctx.sessions.cap_connections(self.record.final_url or self.record.url, alive)

    def _check_cap(self, size: int) -> None:
        cap = self.ctx.settings.max_file_size
        if cap is not None and size > cap:
            raise DownloadError(f"The file is larger than the {cap:,}-byte limit set for "
                                "downloads; stopped.", code=ErrorCode.TOO_LARGE,
                                transient=False)

    def _connections(self, url: str | None = None) -> int:
        """Connections for this download: asked for, within what the host (of
        ``url``, by default the one downloaded from) accepts."""
        wanted = self.ctx.settings.connections_for(self.record.connections)
        cap = self.ctx.sessions.connection_cap(url or self.record.final_url or self.record.url)
        return min(wanted, cap) if cap else wanted

    def _timeout(self) -> tuple[float, float]:
        return (self.ctx.settings.connect_timeout, self.ctx.settings.read_timeout)

    def _with_retries(self, attempt: Callable[[], _T]) -> _T:
        tries = 0
        while True:
            try:
                return attempt()
            except DownloadError as exc:
                decision = retries.after_failure(exc, attempts=tries, progressed=False,
                                                 others_receiving=False,
                                                 settings=self.ctx.settings)
                if decision.action is Action.FAIL:
                    raise
                if decision.action is Action.GIVE_UP:
                    raise retries.gave_up(decision.attempts, exc) from exc
                tries = decision.attempts
                self._retrying(0, exc)
                gevent.sleep(decision.delay)

    # ------------------------------------------------------------ HLS

    def _resumed_playlist(self) -> str | None:
        """The media playlist of a stopped HLS download, None for a file.  A
        link without ``.m3u8`` whose pieces look like fragments (each
        complete, the total unknown: a stream of unknown size cut at its end
        looks the same) is asked once for its type.  A stream already remuxed
        (its ``.mp4`` recorded with its size, which a stream has only then) is
        a file: every byte of it is there, it only needs finishing."""
        record = self.record
        if record.size is not None:
            return None
        url = record.final_url or record.url
        by_name = hls.is_playlist_url(url)
        if not by_name and not (record.pieces and all(
                p.end is not None and p.finished for p in record.pieces)):
            return None
        response = self._with_retries(lambda: self._get(url, None, None))
        if not by_name and not hls.is_playlist_type(response.headers.get("Content-Type")):
            response.close()
            return None
        return self._playlist_text(response)

    def _run_hls(self, probe: requests.Response | None, resumed: str = "") -> None:
        """Fetch an HLS stream (from the ``probe`` of a new download, or the
        ``resumed`` media playlist) into the ``.part``, then remux it."""
        record = self.record
        if probe is not None:
            url, text = probe.url, self._playlist_text(probe)
            variant = hls.best_variant(text, url)
            if variant is not None:
                url, text = variant, self._with_retries(lambda: self._get_playlist(variant))
            fragments = hls.fragments(text, url)
            stem = Path(self._wanted_name(probe, headers=False)).stem
            self._reserve_stream(stem + hls.suffix(fragments), url,
                                 probe.headers.get("Content-Type"))
            log.info("download %d: HLS %s, %d fragments -> %s", record.id, redact(url),
                     len(fragments), record.name)
        else:
            url = record.final_url or record.url
            fragments = hls.fragments(resumed, url)
        self._fetch_fragments(fragments, url)
        with self._disk:  # the remux and the rename see one folder
            self._finish(note=self._remux())

    def _reserve_stream(self, name: str, url: str, content_type: str | None = None, *,
                        final: str = "") -> None:
        """Create the ``.part`` that fragments are appended to, and record it;
        the category is the ``final`` file's (``name``'s when not given)."""
        record = self.record
        directory = self._sorted_folder(final or name, content_type)
        directory.mkdir(parents=True, exist_ok=True)
        self._part = PartFile.reserve(directory, name)
        record.pieces = []
        self.ctx.update(record, name=self._part.name, size=None, error="", error_code="",
                        final_url=url, resumable=False, decoded=False, pieces=True,
                        directory=record.directory, category=record.category)
        self._part.sync_name()

    def _fetch_fragments(self, fragments: list[hls.Fragment], url: str) -> None:
        """Fetch ``fragments`` several at once into the ``.part``, in order.
        Each fragment written becomes one finished piece, so a checkpoint
        (which takes the pieces before it flushes) never claims a fragment
        that is not on the disk, and a resumed run starts after the last piece
        stored, without fetching the ones before again."""
        record = self.record
        part = self._part
        assert part is not None
        start = len(record.pieces)
        if start > len(fragments):
            raise hls.bad_playlist("it has fewer fragments than were already downloaded")
        offset = record.pieces[-1].end or 0 if record.pieces else 0
        part.truncate(offset)  # bytes past the last stored fragment were never claimed
        keys: dict[str, gevent.Greenlet] = {}
        count = max(1, min(self._connections(url), len(fragments) - start))
        self.ctx.sessions.ensure_pool(count * self.ctx.settings.max_active)
        self._workers = [cast(gevent.Greenlet, gevent.getcurrent())]
        pool = gevent.pool.Pool(count)
        # imap's feeder is a greenlet of its own, outside the pool: killed first,
        # or a paused download would go on fetching fragments for nobody.
        fetching = pool.imap(lambda f: self._fragment(f, keys), fragments[start:],
                             maxsize=2 * count)
        try:
            for data in fetching:
                self._write(part, data, offset)
                record.pieces.append(Piece(offset, offset + len(data), len(data)))
                offset += len(data)
        finally:
            fetching.kill()
            pool.kill()
            gevent.killall(list(keys.values()))
            self._workers = []
        self.flush()

    # ------------------------------------------------------------ media pages

    def _run_media(self, fresh: bool) -> None:
        """A page or stream whose formats were chosen (``record.media``): ask
        yt-dlp for their links again (they may have expired since the choice),
        then fetch one file in segments, one HLS stream, or several formats
        one after the other into one ``.part`` and merge them with ffmpeg."""
        record = self.record
        extracted = self._with_retries(
            lambda: media.extract(record.url, record.headers, self.ctx.settings))
        streams = media.chosen(extracted, record.media, record.headers)
        self._title = extracted.title
        if len(streams) == 1:
            stream = streams[0]
            self._source, self._headers = stream.url, stream.headers
            if not fresh:
                self._part = PartFile.open(Path(record.directory), record.name)
            if stream.hls:
                if fresh:
                    self._run_hls(self._with_retries(self._probe))
                else:
                    record.final_url = stream.url
                    self._run_hls(None, self._with_retries(lambda: self._get_playlist(stream.url)))
                return
            if fresh:
                self._run_file(self._start_fresh(response=self._with_retries(self._probe)))
            else:
                record.final_url = stream.url
                self._run_file(None)
            return
        ffmpeg = shutil.which("ffmpeg")
        if ffmpeg is None:
            raise DownloadError("The chosen video and audio are separate, and joining them "
                                "needs ffmpeg, which is not installed.",
                                code=ErrorCode.NO_FFMPEG, transient=False)
        self._headers = streams[0].headers
        tracks = [self._with_retries(functools.partial(self._stream_fragments, stream))
                  for stream in streams]
        stem = Path(self._wanted_name(None, headers=False)).stem
        if fresh:
            self._reserve_stream(f"{stem}.{record.media.replace('+', '-')}", record.url,
                                 final=stem + media.container(streams))
            log.info("download %d: %d formats of %s (%s) -> %s", record.id, len(streams),
                     redact(record.url), record.media, record.name)
        else:
            self._part = PartFile.open(Path(record.directory), record.name)
        self._fetch_fragments([f for track in tracks for f in track], streams[0].url)
        with self._disk:  # the merge and the rename see one folder
            self._merge(ffmpeg, streams, tracks, stem + media.container(streams))
            self._finish()

    def _stream_fragments(self, stream: media.Stream) -> list[hls.Fragment]:
        """What to fetch of one format: an HLS stream's fragments, or a file
        in ranges (whole when the server cannot send ranges)."""
        if stream.hls:
            text = self._get_playlist(stream.url)
            url = hls.best_variant(text, stream.url) or stream.url
            if url != stream.url:
                text = self._get_playlist(url)
            return hls.fragments(text, url)
        probe = self._get(stream.url, None, None)
        probe.close()
        size = None if _encoded(probe) else _content_length(probe)
        if size is None or "bytes" not in probe.headers.get("Accept-Ranges", "").lower():
            return [hls.Fragment(probe.url)]
        return [hls.Fragment(probe.url, start, min(start + MEDIA_PIECE, size))
                for start in range(0, size, MEDIA_PIECE)]

    def _merge(self, ffmpeg: str, streams: list[media.Stream],
               tracks: list[list[hls.Fragment]], name: str) -> None:
        """Join the formats fetched one after the other into the ``.part``
        into one file ``name`` with ffmpeg (streams copied, not re-encoded);
        each is read in place as a byte range of the ``.part``."""
        spans = []
        pieces = iter(self.record.pieces)
        end = 0
        for track in tracks:
            start = end
            for _fragment in track:
                end = next(pieces).end or end
            spans.append((start, end))

        def arguments(source: Path) -> list[str]:
            inputs: list[str] = []
            for stream, track, (start, end) in zip(streams, tracks, spans, strict=True):
                if stream.hls and hls.suffix(track) == ".ts":
                    inputs += ["-f", "mpegts"]
                inputs += ["-i", f"subfile,,start,{start},end,{end},,:{source}"]
            for number in range(len(streams)):
                inputs += ["-map", str(number)]
            return inputs

        if not self._convert(ffmpeg, arguments, name):
            raise DownloadError("ffmpeg could not join the chosen video and audio.",
                                code=ErrorCode.INTERNAL, transient=False)

    def _playlist_text(self, response: requests.Response) -> str:
        try:
            with response:
                data = response.raw.read(MAX_PLAYLIST + 1, decode_content=True)
        except (requests.RequestException, OSError, urllib3.exceptions.HTTPError,
                http.client.HTTPException) as exc:
            raise network_error(exc) from exc
        if len(data) > MAX_PLAYLIST:
            raise hls.bad_playlist(f"it is larger than {MAX_PLAYLIST:,} bytes")
        return data.decode("utf-8", "replace")

    def _get_playlist(self, url: str) -> str:
        return self._playlist_text(self._get(url, None, None))

    def _get(self, url: str, start: int | None, end: int | None) -> requests.Response:
        """``GET url`` (bytes ``[start, end)`` of it when given), checked."""
        headers = self._headers
        if start is not None and end is not None:
            headers = {**headers, "Range": f"bytes={start}-{end - 1}"}
        try:
            response = self.ctx.sessions.open(url, headers, self._timeout())
        except requests.RequestException as exc:
            raise network_error(exc) from exc
        expected = 200 if start is None else 206
        if response.status_code == expected:
            got = (parse_content_range(response.headers.get("Content-Range"))
                   if start is not None else None)
            if start is None or (got is not None and got.start == start):
                return response
        response.close()
        if response.status_code in (200, 206):
            raise DownloadError("The server sent the wrong part of a fragment; trying again.",
                                code=ErrorCode.WRONG_RANGE, transient=True)
        raise status_error(response)

    def _fragment(self, fragment: hls.Fragment, keys: dict[str, gevent.Greenlet]) -> bytes:
        """One fragment's bytes, decrypted, fetched again after a failure."""
        data = self._with_retries(lambda: self._fragment_body(fragment))
        if fragment.key is None:
            return data
        if fragment.key.url not in keys:  # one fetch of each key, shared
            keys[fragment.key.url] = gevent.spawn(
                self._with_retries, lambda: self._key(fragment.key.url if fragment.key else ""))
        key: bytes = keys[fragment.key.url].get()
        return hls.decrypt(data, key, fragment.key.iv)

    def _key(self, url: str) -> bytes:
        response = self._get(url, None, None)
        with response:
            data = response.raw.read(17)
        if len(data) != 16:
            raise DownloadError(f"The stream's AES-128 key at {redact(url)} is not 16 bytes.",
                                code=ErrorCode.BAD_PLAYLIST, transient=False)
        return bytes(data)

    def _fragment_body(self, fragment: hls.Fragment) -> bytes:
        try:
            response = self._get(fragment.url, fragment.start, fragment.end)
        except DownloadError as exc:
            if exc.code is not ErrorCode.NOT_FOUND:
                raise
            # The playlist lists it: a CDN edge that lacks it yet, retried (a few times).
            raise DownloadError(f"A fragment of the stream was not found "
                                f"({redact(fragment.url)}); trying again.",
                                code=ErrorCode.NOT_FOUND, transient=True) from exc
        chunks = []
        try:
            with response:
                for chunk in response.iter_content(self.limit.chunk_size(MIN_READ)):
                    chunks.append(chunk)
                    self.received += len(chunk)
                    self._receiving()
                    self.limit.consume(len(chunk))
                    self.ctx.global_limit.consume(len(chunk))
        except (requests.RequestException, OSError, urllib3.exceptions.HTTPError,
                http.client.HTTPException) as exc:
            raise network_error(exc) from exc
        data = b"".join(chunks)
        if fragment.end is not None and fragment.start is not None and (
                len(data) != fragment.end - fragment.start):
            raise DownloadError("The connection closed before the fragment was complete; "
                                "trying again.", code=ErrorCode.INCOMPLETE, transient=True)
        if not data:
            raise DownloadError("The server sent an empty fragment; trying again.",
                                code=ErrorCode.INCOMPLETE, transient=True)
        return data

    def _remux(self) -> str:
        """Make the fetched ``.ts`` an ``.mp4`` (streams copied, not re-encoded)
        when ffmpeg is installed, and make that the ``.part`` to finish.  Returns
        what the row should say when the ``.ts`` stays instead."""
        record = self.record
        if record.name.endswith(".mp4"):  # fragmented MP4 already
            return ""
        ffmpeg = shutil.which("ffmpeg")
        if ffmpeg is None:
            return ("ffmpeg is not installed: the stream is kept as a .ts file "
                    "(install ffmpeg to get an .mp4).")
        if not self._convert(ffmpeg, lambda source: ["-f", "mpegts", "-i", str(source)],
                             Path(record.requested_name or record.name).stem + ".mp4"):
            return "ffmpeg could not make an .mp4 of this stream: it is kept as a .ts file."
        return ""

    def _convert(self, ffmpeg: str, inputs: Callable[[Path], list[str]], name: str) -> bool:
        """Run ffmpeg on the finished ``.part`` (``inputs(its path)``: its input
        and map options) into a new ``.part`` of a free name like ``name``, in
        the container of ``name``'s extension, streams copied.  On success the
        new ``.part`` is recorded (durably) in place of the old one, which is
        deleted; False (and the old one kept) when ffmpeg fails."""
        record = self.record
        source = self._part
        assert source is not None
        source.close()
        directory = Path(record.directory)
        target = PartFile.reserve(directory, name)
        target.close()
        container = {".mkv": "matroska"}.get(Path(name).suffix, Path(name).suffix[1:])
        done = subprocess.run(
            [ffmpeg, "-nostdin", "-loglevel", "error", "-y", *inputs(source.path),
             "-c", "copy", "-f", container, str(target.path)],
            capture_output=True, check=False)
        self._part = PartFile.open(directory, source.name)
        if done.returncode != 0:
            target.remove()
            log.warning("download %d: ffmpeg could not convert %s: %s", record.id, record.name,
                        done.stderr.decode(errors="replace")[-500:])
            return False
        self._part.close()
        self._part = PartFile.open(directory, target.name)
        size = target.path.stat().st_size
        # ffmpeg's bytes and the new name are on the disk before the store
        # counts them (durably), and only then does the old .part go.
        self._part.flush()
        self._part.sync_name()
        record.pieces = [Piece(0, size, size)]
        self.ctx.update(record, name=target.name, size=size, pieces=True, durable=True)
        source.remove()
        log.info("download %d: %s made by ffmpeg", record.id, target.name)
        return True

    # ------------------------------------------------------------ the end

    def _finish(self, note: str = "") -> None:
        """Check, flush and rename the finished ``.part``; ``note``: what the
        completed row says (empty: nothing to say)."""
        record = self.record
        done = record.done
        if record.size is None:
            record.size = done
        elif done != record.size:
            raise DownloadError(f"Received {done} bytes but the server said {record.size}.",
                                code=ErrorCode.SIZE, transient=False)
        part = self._part
        assert part is not None
        if part.deleted():
            record.pieces = []
            what = ("The .part file" if Path(record.directory).is_dir()
                    else f"The download folder {record.directory}")
            raise DownloadError(f"{what} was deleted while downloading; "
                                "Retry starts the download again.", code=ErrorCode.MISSING,
                                transient=False)
        part.truncate(record.size)
        self.flush()
        self.close()
        if record.checksum == SIDECAR:
            record.checksum = self._sidecar_checksum()
        if record.checksum:
            self._verify(record.checksum)
        final = part.rename_to_final()
        record.name = final
        # Durable at once: until the store says so, a power cut leaves a finished
        # file that the next worker fetches again under a new name.
        self.ctx.update(record, state=State.COMPLETED, name=final, size=record.size, error=note,
                        error_code="", checksum=record.checksum, pieces=True, durable=True)
        log.info("download %d completed: %s", record.id, final)

    def _sidecar_checksum(self) -> str:
        """The SHA-256 published as ``<URL>.sha256`` next to the file."""
        url = (self.record.final_url or self.record.url).split("?")[0] + ".sha256"
        session = self.ctx.sessions.get(url)
        try:
            response = session.get(url, headers=self._headers or None,
                                   timeout=self._timeout())
        except requests.RequestException as exc:
            raise network_error(exc) from exc
        if response.status_code != 200:
            raise DownloadError(f"No checksum file next to the download ({redact(url)} "
                                f"answered {response.status_code}).",
                                code=ErrorCode.NO_CHECKSUM, transient=False)
        match = _SHA256_HEX.search(response.text[:4096])
        if match is None:
            raise DownloadError(f"{redact(url)} holds no SHA-256.", code=ErrorCode.NO_CHECKSUM,
                                transient=False)
        return f"sha256={match.group(0).lower()}"

    def _verify(self, checksum: str) -> None:
        algorithm, _, expected = checksum.partition("=")
        started = time.monotonic()
        digest = gevent.get_hub().threadpool.apply(_hash_file, (self._part_path(), algorithm))
        log.info("download %d: %s verified in %.2fs", self.record.id, algorithm,
                 time.monotonic() - started)
        if digest.lower() != expected.strip().lower():
            raise DownloadError(
                f"The file is damaged: its {algorithm.upper()} is {digest}, "
                f"expected {expected.strip().lower()}.", code=ErrorCode.CHECKSUM,
                transient=False)


def _hash_file(path: Path, algorithm: str) -> str:
    digest = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        while block := handle.read(4 * 1024 * 1024):
            digest.update(block)
    return digest.hexdigest()
