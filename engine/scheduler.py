"""The queue: which downloads run, commands from the client, checkpoints, progress.

The scheduler owns every :class:`~engine.store.Record`, starts up to
``max_active`` downloads (queued ones in the queue's order, kept in the
store: :mod:`engine.queue_order`), and announces every change
through ``emit`` as protocol events.  Both the worker process and the
headless CLI drive one.
"""

from __future__ import annotations

import contextlib
import functools
import heapq
import logging
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, TypeVar

import gevent
from gevent.event import Event

from engine import categories, diskio, media, protocol, queue_order, relocate
from engine.categories import Category
from engine.checksums import parse_checksum
from engine.download import Context, Download
from engine.filenames import PART_SUFFIX, name_problem
from engine.http import Sessions, check_proxy, parse_headers
from engine.protocol import ACTIVE_STATES, Message, ProgressItem, State
from engine.ratelimit import TokenBucket
from engine.settings import MAX_CONNECTIONS, Settings
from engine.store import Record, Store
from engine.supervision import Supervisor
from engine.urls import check_url, redact

log = logging.getLogger(__name__)

PROGRESS_INTERVAL = 0.2  # at most five progress lines a second
CHECKPOINT_INTERVAL = 1.0  # every running download, at least this often
CHECKPOINT_BYTES = 64 * 1024 * 1024  # and a fast one whenever it has fetched this much
CHECKPOINT_TICK = 0.25
SPEED_WINDOW = 3.0  # seconds of history behind the speed shown


_SHOWN = frozenset(f.name for f in fields(protocol.DownloadInfo))
_RUN_FIELDS = frozenset({"state", "error", "error_code"})
E = protocol.ErrorCode
M = TypeVar("M", bound=Message)
WAITING_STATES = frozenset({State.QUEUED, State.SCHEDULED})  # which one: the schedule's hours


class CommandError(Exception):
    """A command that cannot be carried out: ``code`` says why (what the window
    translates), the message with the particulars (for logs and tooltips)."""

    def __init__(self, message: str, code: protocol.ErrorCode) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Running:
    download: Download
    greenlet: gevent.Greenlet
    samples: list[tuple[float, int]]  # (time, bytes received) for the speed
    reported: int = -1
    speed: float = 0.0  # bytes/s over the last few seconds
    checkpointed: int = 0  # bytes received when its counts were last recorded


class Scheduler:
    def __init__(self, store: Store, emit: Callable[[Message], None],
                 settings: Settings | None = None,
                 supervisor: Supervisor | None = None) -> None:
        self.store = store
        self.supervisor = supervisor or Supervisor()  # watches the progress and checkpoint loops
        self.emit = emit
        self.settings = settings or Settings()
        self.sessions = Sessions(proxy=self.settings.proxy)
        self.global_limit = TokenBucket(self.settings.speed_limit, sleep=gevent.sleep)
        self.context = Context(self.settings, self.sessions, self.global_limit, self.update)
        self.records: dict[int, Record] = {}
        self.running: dict[int, Running] = {}
        self._queued: set[int] = set()
        self._scheduled: set[int] = set()
        # The schedule's hours (engine/timekeeper.py): outside them nothing
        # starts and what would be queued waits as ``scheduled``.
        self.hours_open = True
        self.slow_limit: int | None = None  # the slow hours' overall limit, while in force
        self.on_state: Callable[[Record], None] = lambda _record: None  # after a state change
        self._next: list[tuple[int, int]] = []  # heap of (position, id); stale ones skipped
        self._moving: set[int] = set()  # downloads whose file is being moved: not started
        self.idle = Event()  # set while nothing runs or waits
        self._loops: list[gevent.Greenlet] = []
        self._stopping = False
        self._handlers: dict[type[Message], Callable[[Any], None]] = {
            protocol.Add: self._on_add,
            protocol.Pause: self._on_pause,
            protocol.Resume: self._on_resume,
            protocol.Retry: self._on_retry,
            protocol.Remove: self._on_remove,
            protocol.Move: self._on_move,
            protocol.StartNow: self._on_start_now,
            protocol.Rename: self._on_rename,
            protocol.SetUrl: self._on_set_url,
            protocol.SetOptions: self._on_set_options,
            protocol.SetDownloadOptions: self._on_set_download_options,
            protocol.SetCategory: self._on_set_category,
            protocol.GetSegments: self._on_get_segments,
            protocol.GetMedia: self._on_get_media,
        }

    # ------------------------------------------------------------ life

    def start(self) -> None:
        """Load the store (interrupted downloads go back to the queue) and run."""
        for record in self.store.load():
            if record.state in WAITING_STATES | ACTIVE_STATES:
                waiting = self._waiting_state()
                if record.state is not waiting:
                    record.state = waiting
                    self.store.save(record)
            self._remember(record)
        self._loops = [self.supervisor.spawn("progress loop", self._progress_loop),
                       self.supervisor.spawn("checkpoint loop", self._checkpoint_loop)]
        self._start_queued()

    def snapshot(self) -> list[protocol.Snapshot]:
        """Every download, in lines of bounded size."""
        return protocol.in_batches([r.info() for r in self.records.values()], protocol.Snapshot)

    def stop(self) -> None:
        """Pause every active download, checkpoint, stop the loops (idempotent)."""
        if self._stopping:
            return
        self._stopping = True
        self._halt_many(list(self.running), State.QUEUED, announce=False)
        gevent.killall(self._loops)
        self.sessions.close()

    # ------------------------------------------------------------ commands

    def handle(self, message: Message) -> None:
        """Carry out one command; report what cannot be done as an ``error``."""
        try:
            self.handle_now(message)
        except CommandError as exc:
            self.emit(protocol.Error(str(exc), code=exc.code, command=message.TYPE))

    def add_handler(self, kind: type[M], handler: Callable[[M], None]) -> None:
        """Carry out commands of type ``kind`` with ``handler`` (the timekeeper's)."""
        self._handlers[kind] = handler

    def handle_now(self, message: Message) -> None:
        """Carry out one command; raise :class:`CommandError` if it cannot be."""
        handler = self._handlers.get(type(message))
        if handler is None:
            raise CommandError(f"The worker does not handle {message.TYPE!r}.",
                               E.UNKNOWN_COMMAND)
        handler(message)

    def _on_add(self, message: protocol.Add) -> None:
        self.add(message.urls, message.directory, message.options)

    def add(self, urls: Iterable[str], directory: str,
            options: protocol.DownloadOptions) -> list[Record]:
        try:
            checksum = parse_checksum(options.checksum)
        except ValueError as exc:
            raise CommandError(str(exc), E.BAD_CHECKSUM) from None
        if not directory or not os.path.isabs(os.path.expanduser(directory)):
            raise CommandError(f"The download folder must be an absolute path, not {directory!r}.",
                               E.BAD_FOLDER)
        directory = os.path.normpath(os.path.expanduser(directory))
        if os.path.exists(directory) and not os.path.isdir(directory):
            raise CommandError(f"{directory} is a file, not a folder.", E.BAD_FOLDER)
        if options.connections is not None and not 1 <= options.connections <= MAX_CONNECTIONS:
            raise CommandError(f"Connections must be between 1 and {MAX_CONNECTIONS}.",
                               E.BAD_OPTION)
        if options.speed_limit is not None and options.speed_limit < 0:
            raise CommandError("A speed limit cannot be negative.", E.BAD_OPTION)
        speed_limit = (self.settings.download_limit if options.speed_limit is None
                       else options.speed_limit)  # 0: this one without a limit
        valid = []
        for url in urls:
            url = url.strip()
            reason = check_url(url)
            if reason:
                self.emit(protocol.Error(reason, code=E.BAD_URL, command="add",
                                         url=redact(url)[:2000]))
            else:
                valid.append(url)
        added = self.store.add_many(
            valid, directory, State.PAUSED if options.paused else self._waiting_state(),
            requested_name=options.filename, connections=options.connections,
            speed_limit=speed_limit or None, checksum=checksum,
            headers=parse_headers(options.headers), media=options.media,
            open_when_done=options.open_when_done,
            category_root=directory if self.settings.sort_by_category else None,
        )
        for record in added:
            self._remember(record)
        if added:
            for message in protocol.in_batches([r.info() for r in added],
                                               lambda infos, _more: protocol.Added(infos)):
                self.emit(message)
        self._start_queued()
        return added

    def _targets(self, ids: tuple[int, ...], everything: bool,
                 states: frozenset[State]) -> list[Record]:
        if everything:
            return [r for r in self.records.values() if r.state in states]
        unknown = [i for i in ids if i not in self.records]
        if unknown:
            raise CommandError(f"No download with id {', '.join(map(str, unknown))}.",
                               E.UNKNOWN_ID)
        return [self.records[i] for i in ids if self.records[i].state in states]

    def _on_pause(self, message: protocol.Pause) -> None:
        states = WAITING_STATES | ACTIVE_STATES
        targets = self._targets(message.ids, message.all, states)
        self._halt_many([r.id for r in targets if r.id in self.running], State.PAUSED)
        for record in targets:
            if record.id in self.running:  # started while the others were halted
                self._halt(record.id, State.PAUSED)
            elif record.state is not State.PAUSED:
                self.update(record, state=State.PAUSED)
        self._start_queued()

    def _on_resume(self, message: protocol.Resume) -> None:
        for record in self._targets(message.ids, message.all, frozenset({State.PAUSED})):
            self.update(record, state=State.QUEUED, error="", error_code="")
        self._start_queued()

    def _on_retry(self, message: protocol.Retry) -> None:
        for record in self._targets(message.ids, message.all, frozenset({State.FAILED})):
            self.update(record, state=State.QUEUED, error="", error_code="")
        self._start_queued()

    def _on_remove(self, message: protocol.Remove) -> None:
        records = self._targets(message.ids, False, frozenset(State))
        self._halt_many([r.id for r in records if r.id in self.running], State.PAUSED,
                        announce=False)
        self.store.remove(*(r.id for r in records))
        for record in records:
            del self.records[record.id]
            self._track(record)
            # An unfinished download's .part is ours and goes with it; a
            # finished file is the person's, deleted only when asked.
            if record.name and (message.delete_files or record.state is not State.COMPLETED):
                self._delete_file(record)
        if records:
            for removed in protocol.in_batches([r.id for r in records],
                                               lambda ids, _more: protocol.Removed(ids)):
                self.emit(removed)
        self._start_queued()

    def _delete_file(self, record: Record) -> None:
        path = Path(record.path)
        with contextlib.suppress(FileNotFoundError):
            if path.is_symlink() or not path.is_file():
                log.warning("not deleting %s: not a regular file", path)
                return
            diskio.current().remove(path)

    def _on_set_url(self, message: protocol.SetUrl) -> None:
        record = self.records.get(message.id)
        if record is None:
            raise CommandError(f"No download with id {message.id}.", E.UNKNOWN_ID)
        reason = check_url(message.url)
        if reason:
            raise CommandError(reason, E.BAD_URL)
        if record.state is State.COMPLETED:
            raise CommandError("That download is already complete.", E.ALREADY_COMPLETE)
        was_running = record.id in self.running
        if was_running:
            self._halt(record.id, State.QUEUED, announce=False)
        record.final_url = None
        record.verify_new_source = bool(record.name)
        self.update(record, url=message.url, state=State.QUEUED if was_running
                    or record.state in (State.FAILED, *WAITING_STATES) else record.state,
                    error="", error_code="")
        self._start_queued()

    def _on_set_options(self, message: protocol.SetOptions) -> None:
        settings = self.settings
        if message.max_active is not None:
            if message.max_active < 1:
                raise CommandError("At least one download must be allowed at once.",
                                   E.BAD_OPTION)
            settings.max_active = message.max_active
        if message.connections is not None:
            if not 1 <= message.connections <= MAX_CONNECTIONS:
                raise CommandError(f"Connections must be between 1 and {MAX_CONNECTIONS}.",
                               E.BAD_OPTION)
            settings.connections = message.connections
        if message.speed_limit is not None:
            settings.speed_limit = message.speed_limit or None
            self._apply_global_limit()
        if message.download_limit is not None:
            if message.download_limit < 0:
                raise CommandError("A speed limit cannot be negative.", E.BAD_OPTION)
            settings.download_limit = message.download_limit or None
        if message.directory is not None:
            if not os.path.isabs(os.path.expanduser(message.directory)):
                raise CommandError("The default folder must be an absolute path.", E.BAD_FOLDER)
            settings.directory = os.path.expanduser(message.directory)
        if message.proxy is not None:
            problem = check_proxy(message.proxy)
            if problem:
                raise CommandError(problem, E.BAD_PROXY)
            settings.proxy = message.proxy
            self.sessions.use_proxy(message.proxy)
        if message.max_file_size is not None:
            settings.max_file_size = message.max_file_size or None
        if message.category_rules is not None:
            problem = categories.check_rules(message.category_rules)
            if problem:
                raise CommandError(problem, E.BAD_CATEGORY)
            given = {rule.category: rule for rule in message.category_rules}
            settings.category_rules = tuple(given.get(rule.category, rule)
                                            for rule in settings.category_rules)
        if message.sort_by_category is not None:
            settings.sort_by_category = message.sort_by_category
        if message.dated_folders is not None:
            settings.dated_folders = message.dated_folders
        for name in ("read_timeout", "retry_delay", "retry_delay_max", "max_retries"):
            value = getattr(message, name)
            if value is not None:
                if value < 0:
                    raise CommandError(f"{name} cannot be negative.", E.BAD_OPTION)
                setattr(settings, name, value)
        self._start_queued()

    def _on_set_download_options(self, message: protocol.SetDownloadOptions) -> None:
        if message.connections is not None and not 1 <= message.connections <= MAX_CONNECTIONS:
            raise CommandError(f"Connections must be between 1 and {MAX_CONNECTIONS}.",
                               E.BAD_OPTION)
        if message.speed_limit is not None and message.speed_limit < 0:
            raise CommandError("A speed limit cannot be negative.", E.BAD_OPTION)
        for record in self._targets(message.ids, False, frozenset(State)):
            changes: dict[str, object] = {}
            if message.speed_limit is not None:
                changes["speed_limit"] = message.speed_limit or None
                running = self.running.get(record.id)
                if running is not None:
                    running.download.limit.rate = message.speed_limit or None
            if message.connections is not None:
                changes["connections"] = message.connections
            if changes:
                self.apply(record, changes)

    def _on_set_category(self, message: protocol.SetCategory) -> None:
        try:
            category = Category(message.category)
        except ValueError:
            raise CommandError(f"There is no category {message.category!r}.",
                               E.BAD_CATEGORY) from None
        for record in self._targets(message.ids, False, frozenset(State)):
            self._moving.add(record.id)
            try:
                self._move_to_category(record, category)
            except OSError as exc:
                where = record.path or record.directory
                reason = exc.strerror or str(exc)
                log.warning("could not move download %d (%s): %s", record.id, where, reason)
                self.emit(protocol.Error(
                    f"{record.name or redact(record.url)} stays in {record.directory}: "
                    f"it could not be moved to {categories.FOLDERS[category]} ({reason}).",
                    code=E.MOVE, command=message.TYPE))
            finally:
                self._moving.discard(record.id)
        self._start_queued()

    def _move_to_category(self, record: Record, category: Category) -> None:
        """Move ``record``'s file into ``category``'s folder (see
        :mod:`engine.relocate` for the order that keeps a crash safe)."""
        root = record.category_root or record.directory
        folder = categories.folder(root, category, dated=self.settings.dated_folders,
                                   added=record.added)
        placed: dict[str, object] = {"category": category.value, "category_root": root}
        if os.path.normpath(folder) == os.path.normpath(record.directory) or not record.name:
            self.apply(record, {"directory": folder, **placed}, durable=True)  # no file yet
            return
        running = self.running.get(record.id)
        if running is None:
            self._move_resting_file(record, folder, placed)
            return
        download = running.download
        with download.paused_for_move():
            part = download.part
            if (self.running.get(record.id) is not running or record.state not in ACTIVE_STATES
                    or part is None or not part.is_open):
                # It ended (or has no file open) while the move waited for its finish.
                self._move_resting_file(record, folder, placed)
                return
            counts = download.checkpoint_counts()
            download.flush()  # every byte counted is in the file that moves
            moved = relocate.move(part.path, Path(folder), record.name, unfinished=True)
            self.store.checkpoint({record.id: counts})
            self.apply(record, {"directory": folder, "name": moved.name, **placed}, durable=True)
            part.relocated(Path(folder), moved.name, reopen=moved.copied)
        moved.forget_source()
        log.info("download %d moved while running to %s", record.id, folder)

    def _move_resting_file(self, record: Record, folder: str, placed: dict[str, object]) -> None:
        """Move a download that is not running: its finished file or its ``.part``."""
        source = Path(record.path)
        if not source.exists():  # nothing on disk (yet, or any more): only the folder changes
            self.apply(record, {"directory": folder, **placed}, durable=True)
            return
        moved = relocate.move(source, Path(folder), record.name,
                              unfinished=record.state is not State.COMPLETED)
        self.apply(record, {"directory": folder, "name": moved.name, **placed}, durable=True)
        moved.forget_source()
        log.info("download %d moved to %s", record.id, folder)

    def _on_get_segments(self, message: protocol.GetSegments) -> None:
        record = self.records.get(message.id)
        if record is None:
            raise CommandError(f"No download with id {message.id}.", E.UNKNOWN_ID)
        self.emit(protocol.Segments(message.id, record.size, tuple(
            protocol.Segment(p.start, p.end, p.done, p.active) for p in record.pieces)))

    def _on_get_media(self, message: protocol.GetMedia) -> None:
        """Answered by a greenlet of its own (a page takes yt-dlp seconds to
        read); :func:`engine.media.inspect` always answers, never raises."""
        headers = parse_headers(message.headers)
        gevent.spawn(lambda: self.emit(
            media.inspect(message, headers, self.sessions, self.settings)))

    # ------------------------------------------------------------ running

    # ------------------------------------------------------------ the schedule

    def set_hours(self, open_: bool) -> None:
        """The schedule's hours opened (waiting downloads are queued and start)
        or closed (running ones stop, keeping their bytes, and wait with the
        queued ones as ``scheduled``)."""
        if open_ == self.hours_open:
            return
        self.hours_open = open_
        log.info("the schedule's hours %s", "open" if open_ else "close")
        if not open_:
            for download_id in list(self.running):
                self._halt(download_id, State.SCHEDULED)
        waiting = State.SCHEDULED if open_ else State.QUEUED
        for record in sorted((r for r in self.records.values() if r.state is waiting),
                             key=lambda r: (r.position, r.id)):
            self.update(record, state=self._waiting_state())
        self._start_queued()

    def set_slow_limit(self, limit: int | None) -> None:
        """The slow hours' overall limit came into force (bytes/s) or ended (None)."""
        if limit != self.slow_limit:
            self.slow_limit = limit
            self._apply_global_limit()

    def _apply_global_limit(self) -> None:
        limits = [v for v in (self.settings.speed_limit, self.slow_limit) if v]
        self.global_limit.rate = min(limits) if limits else None

    def _waiting_state(self) -> State:
        return State.QUEUED if self.hours_open else State.SCHEDULED

    def unfinished(self) -> bool:
        """Whether any download is not done yet: downloading, retrying, queued,
        scheduled or paused (completed and failed ones are done)."""
        return bool(self.running or self._queued or self._scheduled) or any(
            r.state is State.PAUSED for r in self.records.values())

    def _remember(self, record: Record) -> None:
        self.records[record.id] = record
        self._track(record)

    def _track(self, record: Record) -> None:
        """Keep the queue index in step with ``record``'s state."""
        if record.state is State.SCHEDULED and record.id in self.records:
            self._scheduled.add(record.id)
        else:
            self._scheduled.discard(record.id)
        if record.state is State.QUEUED and record.id in self.records:
            if record.id not in self._queued:
                self._queued.add(record.id)
                heapq.heappush(self._next, (record.position, record.id))
        else:
            self._queued.discard(record.id)

    def update(self, record: Record, *, pieces: bool = False, announce: bool = True,
               durable: bool = False, **changes: object) -> None:
        """Change ``record``, save it (``durable``: on the disk when this returns),
        and (unless not to ``announce``) tell the client the fields it sees (the
        downloads' :class:`engine.download.Update`)."""
        self.apply(record, changes, pieces=pieces, announce=announce, durable=durable)

    def apply(self, record: Record, changes: Mapping[str, object], *, pieces: bool = False,
              announce: bool = True, durable: bool = False) -> None:
        """:meth:`update` with the changes in a mapping."""
        if changes.get("state") in WAITING_STATES:  # queued or scheduled, as the hours say
            changes = {**changes, "state": self._waiting_state()}
        for name, value in changes.items():
            setattr(record, name, value)
        if "state" in changes:
            self._track(record)
            self.on_state(record)
        # Running states are never stored: after a crash a download is queued again.
        if (pieces or durable or record.state not in ACTIVE_STATES
                or not changes.keys() <= _RUN_FIELDS):
            self.store.save(record, pieces=pieces, durable=durable)
        if not announce:
            return
        keys = changes.keys() & _SHOWN  # sent as the client sees them (URLs redacted)
        if "validators" in changes:
            keys |= {"etag", "last_modified"}
        if "name" in changes or "state" in changes:
            keys.add("path")
        if "state" in changes or pieces:
            keys.add("done")
        if keys:
            self.emit(protocol.Changed(record.id, protocol.DownloadChanges(record.shown(keys))))

    def _start_queued(self) -> None:
        """Start queued downloads while there is room."""
        if self._stopping:
            return
        room = max(0, self.settings.max_active - len(self.running)) if self.hours_open else 0
        held = []
        while room > 0 and self._next:
            position, download_id = heapq.heappop(self._next)
            if download_id in self._queued and position == self.records[download_id].position:
                if download_id in self._moving:  # its file is moving: after that
                    held.append((position, download_id))
                    continue
                self._launch(self.records[download_id])
                room -= 1
        for entry in held:
            heapq.heappush(self._next, entry)
        if self.running or self._queued or self._scheduled:
            self.idle.clear()
        else:
            self.idle.set()

    def waiting(self) -> list[Record]:
        """Queued, scheduled and paused downloads in the order they will start."""
        return sorted((r for r in self.records.values()
                       if r.state in (*WAITING_STATES, State.PAUSED)),
                      key=lambda r: (r.position, r.id))

    def move(self, ids: Iterable[int], offset: int, how: str) -> int:
        """Move the waiting downloads among ``ids`` in the queue (aria2's
        changePosition, for several at once: :func:`queue_order.moved`);
        store and announce their new positions.  Returns the index the first
        of them has now (-1 when none of them waits)."""
        try:
            origin = queue_order.How(how)
        except ValueError:
            raise CommandError(f"Unknown position origin {how!r}.", E.BAD_OPTION) from None
        chosen = set(ids)
        order = [r.id for r in self.waiting()]
        new_order = queue_order.moved(order, chosen, offset, origin)
        positions = {i: self.records[i].position for i in order}
        changes = ({} if new_order == order
                   else queue_order.renumbered(new_order, positions, chosen))
        if changes:
            self.store.set_positions(changes)
            for download_id, position in changes.items():
                self.records[download_id].position = position
            places = [protocol.QueuePlace(i, p) for i, p in changes.items()]
            for message in protocol.in_batches(places,
                                               lambda items, _more: protocol.Moved(items)):
                self.emit(message)
            for download_id in self._queued & changes.keys():
                heapq.heappush(self._next, (self.records[download_id].position, download_id))
        self._start_queued()
        return next((n for n, i in enumerate(new_order) if i in chosen), -1)

    def _on_move(self, message: protocol.Move) -> None:
        self._targets(message.ids, False, frozenset(State))  # unknown ids are refused
        self.move(message.ids, message.offset, message.how)

    def _on_start_now(self, message: protocol.StartNow) -> None:
        """Start at once, past ``max_active`` and the schedule's hours: the person asked."""
        if self._stopping:
            return
        startable = frozenset({*WAITING_STATES, State.PAUSED, State.FAILED})
        for record in self._targets(message.ids, False, startable):
            self._launch(record)
        self._start_queued()

    def _on_rename(self, message: protocol.Rename) -> None:
        record = self.records.get(message.id)
        if record is None:
            raise CommandError(f"No download with id {message.id}.", E.UNKNOWN_ID)
        problem = name_problem(message.name)
        if problem:
            raise CommandError(problem, E.BAD_NAME)
        if message.name == record.name:
            return
        if record.state is State.COMPLETED:
            self._rename_file(record, message.name, "")
            return
        was_running = record.id in self.running
        if was_running:  # its .part is open: stop, checkpoint, rename, go on
            self._halt(record.id, State.QUEUED, announce=False)
        try:
            if record.name:
                self._rename_file(record, message.name, PART_SUFFIX)
            else:  # not named yet: the probe will take this name
                self.update(record, requested_name=message.name)
        finally:
            if was_running:
                self._launch(record)

    def _rename_file(self, record: Record, name: str, suffix: str) -> None:
        """Rename ``record``'s file (``suffix``: its ``.part``) in its folder,
        never over another file, and record the name durably."""
        folder = Path(record.directory)
        source, target = folder / (record.name + suffix), folder / (name + suffix)
        if os.path.lexists(folder / name) or os.path.lexists(folder / (name + PART_SUFFIX)):
            raise CommandError(f"{folder / name} already exists.", E.NAME_TAKEN)
        if not suffix and (source.is_symlink() or not source.is_file()):
            raise CommandError(f"{source} is no longer there.", E.MISSING)
        try:
            if source.exists():
                diskio.current().rename_new(source, target)
                gevent.get_hub().threadpool.apply(diskio.current().sync_directory, (folder,))
        except FileExistsError:
            raise CommandError(f"{target} already exists.", E.NAME_TAKEN) from None
        except OSError as exc:
            raise CommandError(f"{source} could not be renamed ({exc.strerror}).",
                               E.PERMISSION if isinstance(exc, PermissionError)
                               else E.DISK) from None
        log.info("download %d renamed to %s", record.id, name)
        self.update(record, name=name, requested_name=name, durable=True)

    def _launch(self, record: Record) -> None:
        download = Download(record, self.context)
        self.update(record, state=State.DOWNLOADING, error="", error_code="")
        greenlet = gevent.spawn(download.run)
        self.running[record.id] = Running(download, greenlet, [(time.monotonic(), 0)])
        greenlet.link(functools.partial(self._ended, record.id))

    def _ended(self, download_id: int, greenlet: gevent.Greenlet) -> None:
        current = self.running.get(download_id)
        if current is None or current.greenlet is not greenlet:
            return  # halted on purpose; already accounted for
        del self.running[download_id]
        # Its end was announced with its counts (``changed``); the others'
        # progress waits for the next tick (five lines a second at most,
        # however many small files end in between).
        self._start_queued()

    def _halt(self, download_id: int, state: State, *, announce: bool = True) -> None:
        """Stop a running download, flush its bytes, checkpoint, set ``state``."""
        self._halt_many([download_id], state, announce=announce)

    def _halt_many(self, ids: list[int], state: State, *, announce: bool = True) -> None:
        """Stop running downloads, take their counts, flush their bytes (the
        syncs side by side), then checkpoint them all in one durable
        transaction and set ``state``: pausing 250 costs one commit, not 250."""
        if not ids:
            return
        halted = {i: self.running.pop(i) for i in ids}
        gevent.killall([running.greenlet for running in halted.values()])
        counts = {i: running.download.checkpoint_counts() for i, running in halted.items()}
        gevent.joinall([gevent.spawn(running.download.flush) for running in halted.values()],
                       raise_error=True)
        for running in halted.values():
            running.download.close()
        self.store.checkpoint(counts)
        for running in halted.values():
            for piece in running.download.record.pieces:
                piece.active = False
            self.update(running.download.record, state=state, announce=announce)

    # ------------------------------------------------------------ timers

    def _progress_loop(self) -> None:
        while True:
            gevent.sleep(PROGRESS_INTERVAL)
            self._report_progress()

    def _report_progress(self) -> None:
        now = time.monotonic()
        items = []
        for download_id, running in self.running.items():
            download = running.download
            samples = running.samples
            samples.append((now, download.received))
            while len(samples) > 2 and now - samples[1][0] >= SPEED_WINDOW:
                samples.pop(0)
            elapsed = now - samples[0][0]
            speed = (download.received - samples[0][1]) / elapsed if elapsed > 0 else 0.0
            running.speed = speed
            done = download.record.done
            if done != running.reported or speed:
                running.reported = done
                items.append(ProgressItem(download_id, done, round(speed, 1)))
        if items:
            for progress in protocol.in_batches(items, protocol.Progress):
                self.emit(progress)

    def _checkpoint_loop(self) -> None:
        """Checkpoint everything once a second, and a fast download as soon as
        it has fetched CHECKPOINT_BYTES, so a crash re-fetches little even at
        hundreds of MB/s."""
        last = time.monotonic()
        while True:
            gevent.sleep(CHECKPOINT_TICK)
            if time.monotonic() - last >= CHECKPOINT_INTERVAL:
                last = time.monotonic()
                self.checkpoint()
            else:
                self.checkpoint([i for i, r in self.running.items()
                                 if r.download.received - r.checkpointed >= CHECKPOINT_BYTES])

    def checkpoint(self, ids: list[int] | None = None) -> None:
        """Flush the running downloads' bytes (all, or ``ids``), then record the counts."""
        chosen = self.running if ids is None else {i: self.running[i] for i in ids}
        if not chosen:
            return
        taken = {}
        for i, running in chosen.items():
            record = running.download.record
            taken[i] = (running, record.pieces, running.download.checkpoint_counts())
            running.checkpointed = running.download.received
        for running, _plan, _counts in taken.values():
            running.download.flush()
        # The flushes yield to the hub.  A download that ended or was halted
        # meanwhile has saved newer counts; one whose pieces were planned anew
        # meanwhile (its probe answered, or it started over) has saved its new
        # plan, and counts of the old one must not overwrite it.
        self.store.checkpoint({i: counts for i, (running, plan, counts) in taken.items()
                               if self.running.get(i) is running
                               and running.download.record.pieces is plan})
