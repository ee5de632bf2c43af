"""The messages between the GUI (or any client) and the worker process.

Transport: one UTF-8 JSON object per line on the worker's stdin (commands) and
stdout (events); the worker logs on stderr.  Every object has a ``"type"`` key
naming the message; the other keys are the dataclass fields below.  Optional
fields may be omitted (they take their defaults); unknown keys are ignored so an
older peer can read a newer one's lines.

This module is the single place where the protocol is documented.  It imports
the standard library only, so the GUI can use it without gevent or requests.

Session:

* The worker starts, opens its store and sends ``hello`` (protocol version,
  pid), then ``snapshot`` (every download in the store).  A client checks the
  version and refuses a worker that speaks another one.  A worker that cannot
  start sends an ``error`` with ``fatal`` set (and no ``hello``) and exits.
* Every line stays under :data:`MAX_LINE_BYTES`.  A list that can grow with
  the queue (``snapshot``, ``added``, ``progress``, ``removed``) is split into lines of
  about :data:`BATCH_BYTES` by :func:`in_batches`; ``snapshot`` and ``progress``
  mark every line but the last of one list with ``more``.
* The client sends commands at any time.  A command that cannot be carried out
  (bad URL, unknown id, malformed line) is answered with an ``error`` event; the
  worker keeps running.
* Changes arrive as ``added``, ``changed`` (only the fields that changed),
  ``removed``, ``moved`` (new places in the queue) and ``progress`` events.
  ``progress`` is coalesced on a timer: one line for all active downloads, at
  most about five lines a second.
* ``shutdown`` (or end of stdin) pauses every active download, checkpoints the
  store and exits with status 0.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import json
import types
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

PROTOCOL_VERSION = 2  # 2: error codes; hello once the store is open
MAX_LINE_BYTES = 1 << 20
# A batched event's line stays about this size: a quarter of the limit (one
# download with a 64 KiB URL still fits), decoded in a few milliseconds.
BATCH_BYTES = 1 << 18


T = TypeVar("T")
M = TypeVar("M", bound="Message")


DEFAULT_RPC_PORT = 6800  # aria2's, which browser extensions and AriaNg assume


class ProtocolError(ValueError):
    """A line that is not a valid message; the text says why, for a person."""


class State(enum.StrEnum):
    """The life of one download."""

    QUEUED = "queued"  # waiting for a free slot
    SCHEDULED = "scheduled"  # queued, outside the hours the schedule allows downloads
    DOWNLOADING = "downloading"
    RETRYING = "retrying"  # a transient failure; waiting before the next try
    PAUSED = "paused"
    COMPLETED = "completed"
    FAILED = "failed"


ACTIVE_STATES = frozenset({State.DOWNLOADING, State.RETRYING})


class ErrorCode(enum.StrEnum):
    """Why something failed, as a stable word a client can translate.

    A failed or retrying download carries one in ``DownloadInfo.error_code``
    (its sentence, for logs and tooltips, in ``error``); an ``error`` event in
    ``Error.code``.  Codes are never renamed; new ones may be added, so a client
    shows the English detail for a code it does not know.
    """

    # A download (DownloadInfo.error_code).
    NOT_FOUND = "not-found"  # 404, 410
    FORBIDDEN = "forbidden"  # 403: refused, often an expired link
    LOGIN = "login"  # 401: the server wants a login
    HTTP_STATUS = "http-status"  # another unexpected status
    SERVER_ERROR = "server-error"  # 5xx, 429, 408
    TIMEOUT = "timeout"  # connecting timed out, or the connection stalled
    CONNECTION = "connection"  # could not connect, reset, dropped mid-way
    DNS = "dns"  # the server's name is unknown
    REDIRECTS = "redirects"  # a redirect loop
    TLS = "tls"  # certificate or TLS failure
    BAD_URL = "bad-url"  # not an http(s) link, or not a valid one
    WRONG_RANGE = "wrong-range"  # the server sent another part of the file
    WEB_PAGE = "web-page"  # a web page instead of the file
    RANGE_REFUSED = "range-refused"  # 416 for a range it offered
    INCOMPLETE = "incomplete"  # the body ended early
    CHANGED = "changed"  # the file changed on the server (and keeps changing)
    OTHER_FILE = "other-file"  # a new link is for a different file
    SIZE = "size"  # fewer or more bytes than announced
    TOO_LARGE = "too-large"  # over the size limit set for downloads
    CHECKSUM = "checksum"  # the file's digest is not the expected one
    NO_CHECKSUM = "no-checksum"  # no published checksum next to the file
    DISK_FULL = "disk-full"
    PERMISSION = "permission"  # may not write in the folder
    MISSING = "missing"  # the folder or the .part file was deleted
    DISK = "disk"  # another write error
    NAME = "name"  # no free file name in the folder
    INTERNAL = "internal"  # a bug in Greenget
    BAD_PLAYLIST = "bad-playlist"  # an HLS playlist that cannot be used
    LIVE_STREAM = "live-stream"  # an HLS playlist without an end (live): refused
    NO_MEDIA = "no-media"  # a page on which no video or audio was found
    NO_FFMPEG = "no-ffmpeg"  # separate video and audio need ffmpeg to be joined
    # The schedule's action when all downloads are done (WhenDoneStatus.error_code).
    POWER = "power"  # the computer could not be put to sleep or shut down
    # A command (Error.code).
    BAD_LINE = "bad-line"  # not a command (malformed, too long)
    UNKNOWN_COMMAND = "unknown-command"
    UNKNOWN_ID = "unknown-id"
    BAD_OPTION = "bad-option"  # a setting out of range
    BAD_FOLDER = "bad-folder"
    BAD_CHECKSUM = "bad-checksum"
    BAD_PROXY = "bad-proxy"
    ALREADY_COMPLETE = "already-complete"
    BAD_NAME = "bad-name"  # a new file name that cannot be used as one
    NAME_TAKEN = "name-taken"  # a rename onto a name already in the folder
    PORT = "port"  # the JSON-RPC endpoint cannot listen
    BAD_SCHEDULE = "bad-schedule"  # a day or time out of range
    BAD_CATEGORY = "bad-category"  # no such category, or category lists that cannot be used
    MOVE = "move"  # a download's file could not be moved (it stays where it was)
    # Starting.
    ALREADY_RUNNING = "already-running"  # another worker uses the state folder
    STATE_FOLDER = "state-folder"  # the state folder cannot be used
    STORE_UNREADABLE = "store-unreadable"  # set aside; started with an empty list
    STORE_TOO_NEW = "store-too-new"  # written by a newer Greenget; set aside likewise


@dataclass(frozen=True)
class DownloadOptions:
    """Per-download settings given with ``add``.

    ``connections``: parallel connections for a server that honours ranges
    (``None``: the worker's default).  ``speed_limit``: bytes per second, ``None``
    for no limit.  ``checksum``: ``"sha256=<hex>"`` (any hashlib algorithm name)
    checked when the download finishes.  ``filename``: the name to save under
    instead of the server's (sanitised all the same).  ``checksum`` may also be
    ``"sidecar"``: fetch ``<URL>.sha256`` published next to the file and
    verify against it.  ``paused``: add without
    starting.  ``headers``: extra request headers as ``"Name: value"`` lines
    (cookies, user agent, referer), sent with every request of the download.
    ``media``: the URL is a page or a stream whose formats ``get_media``
    listed; these are the chosen ones (:attr:`MediaFormat.id`, several joined
    by ``+``: a video and an audio merged into one file).
    ``open_when_done``: the window opens the file once it completes (kept
    with the download, so it holds across restarts).
    """

    connections: int | None = None
    speed_limit: int | None = None
    checksum: str | None = None
    filename: str | None = None
    paused: bool = False
    headers: tuple[str, ...] = ()
    media: str = ""
    open_when_done: bool = False


@dataclass(frozen=True)
class MediaFormat:
    """One format a page or a stream offers (answer to ``get_media``).

    ``id`` names it in :attr:`DownloadOptions.media`.  ``vcodec`` and
    ``acodec`` are the codecs, ``"none"`` when the format has no video (audio
    only) or no audio (video only), empty when unknown.  ``bitrate`` is in
    kbit/s, ``size`` in bytes (estimated when ``size_estimated``); each ``None``
    when unknown.  ``note`` is the source's own words (an audio track's name
    or language, a quality label).
    """

    id: str
    ext: str = ""
    width: int | None = None
    height: int | None = None
    vcodec: str = ""
    acodec: str = ""
    bitrate: float | None = None
    size: int | None = None
    size_estimated: bool = False
    stream: bool = False  # HLS (fragments) rather than one file
    note: str = ""

    @property
    def audio_only(self) -> bool:
        return self.vcodec == "none"

    @property
    def video_only(self) -> bool:
        return self.acodec == "none"


@dataclass(frozen=True)
class CategoryRule:
    """Which files belong to one category (see :mod:`engine.categories`):
    ``category`` is one of its values (``"video"``); ``extensions`` lower
    case without the dot; ``mime_types`` lower case, ``*`` a wildcard."""

    category: str
    extensions: tuple[str, ...] = ()
    mime_types: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)  # 10,000 of them in the window: no __dict__ each
class DownloadInfo:
    """Everything the client shows about one download.

    ``size`` is ``None`` while unknown (no Content-Length: progress is
    indeterminate).  ``name`` is the file name in ``directory`` (final once the
    probe answered; empty before).  ``path`` is the full path of the finished
    file, or of the ``.part`` file while downloading.  ``error_code`` says why
    it failed, or why it is retrying (an :class:`ErrorCode`); ``error`` is the
    same in an English sentence with the particulars, for logs and tooltips;
    both empty otherwise.
    ``added`` is a Unix timestamp.  ``final_url`` (after redirects), ``etag``
    and ``last_modified`` are what the server said, once it has answered.
    ``position`` orders the queue: waiting (queued and paused) downloads start
    in ascending position; only the order means something, not the numbers.
    ``open_when_done``: as given with ``add`` (the window acts on it).
    ``category`` is the download's category (an :class:`engine.categories.Category`
    value), decided once its name and type are known (empty before).
    """

    id: int
    url: str
    directory: str
    state: State
    name: str = ""
    path: str = ""
    size: int | None = None
    done: int = 0
    error: str = ""
    added: float = 0.0
    connections: int | None = None
    speed_limit: int | None = None
    checksum: str | None = None
    final_url: str = ""
    etag: str = ""
    last_modified: str = ""
    error_code: str = ""
    position: int = 0
    open_when_done: bool = False
    category: str = ""


@dataclass(frozen=True)
class ProgressItem:
    """Bytes on disk and current speed (bytes/s) of one active download."""

    id: int
    done: int
    speed: float = 0.0


@dataclass(frozen=True)
class QueuePlace:
    """Download ``id``'s new ``position`` in the queue."""

    id: int
    position: int


@dataclass(frozen=True)
class Segment:
    """One piece of a segmented download: ``[start, end)`` with ``done`` bytes
    fetched from ``start``; ``end`` is ``None`` for a stream of unknown size."""

    start: int
    end: int | None
    done: int
    active: bool = False


class Message:
    """Base of every command and event; ``TYPE`` is its ``"type"`` key."""

    TYPE: ClassVar[str] = ""

    def encode(self) -> str:
        """The message as one JSON line (without the newline)."""
        return encode(self)


# ---------------------------------------------------------------- commands


@dataclass(frozen=True)
class Add(Message):
    """Queue ``urls`` into ``directory`` (created if missing).  Each valid URL is
    answered with ``added``; each invalid one with an ``error`` naming it."""

    TYPE: ClassVar[str] = "add"
    urls: tuple[str, ...]
    directory: str
    options: DownloadOptions = field(default_factory=DownloadOptions)


@dataclass(frozen=True)
class Pause(Message):
    """Pause the downloads ``ids``, or every unfinished one when ``all``."""

    TYPE: ClassVar[str] = "pause"
    ids: tuple[int, ...] = ()
    all: bool = False


@dataclass(frozen=True)
class Resume(Message):
    """Queue paused downloads ``ids`` again (or every paused one when ``all``)."""

    TYPE: ClassVar[str] = "resume"
    ids: tuple[int, ...] = ()
    all: bool = False


@dataclass(frozen=True)
class Retry(Message):
    """Queue failed downloads again, keeping the bytes already on disk."""

    TYPE: ClassVar[str] = "retry"
    ids: tuple[int, ...] = ()
    all: bool = False


@dataclass(frozen=True)
class Remove(Message):
    """Forget ``ids`` and delete the ``.part`` of each unfinished one; with
    ``delete_files`` also delete the finished files.  Answered with ``removed``."""

    TYPE: ClassVar[str] = "remove"
    ids: tuple[int, ...] = ()
    delete_files: bool = False


@dataclass(frozen=True)
class Move(Message):
    """Move the waiting downloads among ``ids`` in the queue, as aria2's
    ``changePosition`` moves one: ``how`` is ``POS_SET`` (the first of them
    lands at index ``offset``, the others right after it, in their order),
    ``POS_END`` (the same from the end: ``0`` is last) or ``POS_CUR`` (each
    moves ``offset`` places, negative is towards the start, none passing
    another).  Answered with ``moved`` (the new positions); ids that are not
    waiting are left alone."""

    TYPE: ClassVar[str] = "move"
    ids: tuple[int, ...]
    offset: int = 0
    how: str = "POS_SET"


@dataclass(frozen=True)
class StartNow(Message):
    """Start downloads ``ids`` (queued, paused or failed) at once, even when
    ``max_active`` already run; the others wait until there is room again."""

    TYPE: ClassVar[str] = "start_now"
    ids: tuple[int, ...]


@dataclass(frozen=True)
class Rename(Message):
    """Give download ``id`` the file name ``name`` (one name in its folder,
    never a path).  A completed download's file is renamed on the disk; an
    unfinished one's ``.part`` (or, before it has one, the name it will take).
    Nothing is overwritten: a name already in the folder is refused with
    ``name-taken``, a name that cannot be one file's with ``bad-name``."""

    TYPE: ClassVar[str] = "rename"
    id: int
    name: str


@dataclass(frozen=True)
class SetUrl(Message):
    """Give download ``id`` a new URL (an expired link refreshed).  The new
    source must have the same size and validators, or the change is refused."""

    TYPE: ClassVar[str] = "set_url"
    id: int
    url: str


@dataclass(frozen=True)
class SetOptions(Message):
    """Change worker settings while it runs; ``None`` leaves one unchanged.

    ``max_active``: downloads at once.  ``connections``: default connections per
    download.  ``speed_limit``: global bytes per second (0 removes the limit).
    ``download_limit``: bytes per second given to each download added without
    a limit of its own, however it is added (0: none).
    ``read_timeout``: seconds without a byte before a connection counts as
    stalled and is retried.  ``retry_delay``: first back-off in seconds (it
    doubles up to ``retry_delay_max``).  ``max_retries``: tries without progress
    before a download fails.  ``max_file_size``: bytes; a bigger file (or an
    endless stream) fails instead of filling the disk (0 removes the cap).
    ``directory``: where downloads go when a request names no folder (RPC).
    ``sort_by_category``: downloads added from now on go into their
    category's folder under the folder they were added to, once their name
    and type are known (off unless turned on).  ``dated_folders``: into a
    subfolder for the month they were added (``Video/2026-12``).
    ``category_rules``: the extensions and MIME types of the categories named
    (the others keep theirs).
    ``proxy``: ``"system"`` (the environment's proxy settings), ``"none"``, or
    a proxy URL (``http://``, ``https://``, ``socks5://`` … with optional
    ``user:password@``; credentials are never logged).
    """

    TYPE: ClassVar[str] = "set_options"
    max_active: int | None = None
    connections: int | None = None
    speed_limit: int | None = None
    download_limit: int | None = None
    read_timeout: float | None = None
    retry_delay: float | None = None
    retry_delay_max: float | None = None
    max_retries: int | None = None
    max_file_size: int | None = None
    directory: str | None = None
    proxy: str | None = None
    sort_by_category: bool | None = None
    dated_folders: bool | None = None
    category_rules: tuple[CategoryRule, ...] | None = None


@dataclass(frozen=True)
class SetCategory(Message):
    """Move downloads ``ids`` into ``category``'s folder, under the download
    folder they were sorted into (or their own folder, if they were not).
    The file moves with them: a finished file, or the ``.part`` of an
    unfinished one (a running download pauses its writes meanwhile and goes
    on).  Nothing is replaced: a name taken in the new folder gets the next
    free ``name (1).ext``.  Answered with ``changed`` (``directory``,
    ``category``, ``name``, ``path``); a download whose file cannot be moved
    keeps it where it was and gets an ``error`` (code ``move``) saying why."""

    TYPE: ClassVar[str] = "set_category"
    ids: tuple[int, ...]
    category: str


@dataclass(frozen=True)
class SetDownloadOptions(Message):
    """Change downloads ``ids`` while they run; ``None`` leaves one unchanged.

    ``speed_limit``: bytes per second, 0 removes the limit; applies at once.
    ``connections``: used from the download's next start or split.
    """

    TYPE: ClassVar[str] = "set_download_options"
    ids: tuple[int, ...]
    speed_limit: int | None = None
    connections: int | None = None


@dataclass(frozen=True)
class SetRpc(Message):
    """Turn the aria2-compatible JSON-RPC endpoint on or off.  It listens on
    127.0.0.1:``port`` (every address with ``allow_remote``), requires the
    secret kept in the state folder (``secret`` replaces it when given) and
    accepts browser pages only from ``origins``.  Answered with ``rpc_status``."""

    TYPE: ClassVar[str] = "set_rpc"
    enabled: bool
    port: int = DEFAULT_RPC_PORT
    secret: str = ""
    allow_remote: bool = False
    origins: tuple[str, ...] = ()


class WhenDone(enum.StrEnum):
    """What happens once all downloads are done (see :class:`Schedule`)."""

    NOTHING = "nothing"
    QUIT = "quit"  # the window (or the CLI) quits
    SLEEP = "sleep"  # suspend, through logind (systemctl suspend)
    SHUTDOWN = "shutdown"  # power off, through logind (systemctl poweroff)


EVERY_DAY = (0, 1, 2, 3, 4, 5, 6)


@dataclass(frozen=True)
class Hours:
    """Hours of the week: from ``start`` to ``end`` (minutes after local
    midnight, 0-1439) on each of ``days`` (0 Monday … 6 Sunday).  An ``end``
    at or before ``start`` is on the next day (22:00-06:00 runs overnight;
    equal times: 24 hours).  A period belongs to the day it starts on."""

    days: tuple[int, ...] = EVERY_DAY
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class Schedule:
    """The queue's timetable, kept by the worker in its store.

    ``hours``: downloads run only inside them (``None``: at any time); outside,
    queued downloads wait as ``scheduled`` and running ones are stopped (their
    bytes kept) until the hours come round.  ``slow_hours``: inside them, the
    overall speed is at most ``slow_limit`` bytes per second (the lower of it
    and ``set_options``' ``speed_limit``).  ``when_done``: what to do once all
    downloads are done: nothing is downloading, retrying, queued, scheduled or
    paused, and something finished since there last was (completed and failed
    downloads count as done).  Sleep and shut down come after a
    :data:`WHEN_DONE_DELAY` second countdown that ``cancel_when_done`` stops."""

    hours: Hours | None = None
    slow_hours: Hours | None = None
    slow_limit: int = 0
    when_done: WhenDone = WhenDone.NOTHING


WHEN_DONE_DELAY = 60.0  # seconds between "all done" and the action


@dataclass(frozen=True)
class SetSchedule(Message):
    """Replace the schedule (kept in the store, applied at once); answered
    with ``schedule_status``, or an ``error`` (``bad-schedule``)."""

    TYPE: ClassVar[str] = "set_schedule"
    schedule: Schedule


@dataclass(frozen=True)
class CancelWhenDone(Message):
    """Stop the countdown to the when-done action (this time only; the
    schedule keeps it for the next time all is done).  Answered with
    ``when_done_status``."""

    TYPE: ClassVar[str] = "cancel_when_done"


@dataclass(frozen=True)
class GetSegments(Message):
    """Ask for the segment map of download ``id``; answered with ``segments``."""

    TYPE: ClassVar[str] = "get_segments"
    id: int


@dataclass(frozen=True)
class GetMedia(Message):
    """Ask what ``url`` holds before adding it; answered with ``media``.  A
    web page is read by yt-dlp (without downloading), an HLS master playlist
    lists its variants and audio tracks; ``headers`` as in
    :attr:`DownloadOptions.headers`."""

    TYPE: ClassVar[str] = "get_media"
    url: str
    headers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Shutdown(Message):
    """Pause everything, checkpoint, exit 0."""

    TYPE: ClassVar[str] = "shutdown"


# ---------------------------------------------------------------- events


@dataclass(frozen=True)
class Hello(Message):
    """First line from a worker that started: its store is open.  ``version``
    is its :data:`PROTOCOL_VERSION`."""

    TYPE: ClassVar[str] = "hello"
    version: int
    pid: int


@dataclass(frozen=True)
class Snapshot(Message):
    """Every download in the store, oldest first; sent after ``hello``, in as
    many lines as it takes: every one but the last has ``more`` set."""

    TYPE: ClassVar[str] = "snapshot"
    downloads: tuple[DownloadInfo, ...]
    more: bool = False


@dataclass(frozen=True)
class Added(Message):
    """Downloads were queued (answer to ``add``): one list for all the URLs
    of a command, split into lines of bounded size as ``snapshot`` is."""

    TYPE: ClassVar[str] = "added"
    downloads: tuple[DownloadInfo, ...]


class DownloadChanges(dict[str, Any]):
    """The fields of a :class:`DownloadInfo` that changed, by name, each of
    its field's type (``state`` a :class:`State`).  Read from a line, values
    are checked like every other field's and names this version does not
    know are dropped; :func:`apply` puts them onto a ``DownloadInfo``."""


@dataclass(frozen=True)
class Changed(Message):
    """Some fields of download ``id`` changed (only those)."""

    TYPE: ClassVar[str] = "changed"
    id: int
    fields: DownloadChanges


@dataclass(frozen=True)
class Progress(Message):
    """Coalesced progress of every download that moved since the last one
    (a download not in it has stopped moving); every line but the last of one
    report has ``more`` set."""

    TYPE: ClassVar[str] = "progress"
    items: tuple[ProgressItem, ...]
    more: bool = False


@dataclass(frozen=True)
class Removed(Message):
    """Downloads ``ids`` are gone from the store."""

    TYPE: ClassVar[str] = "removed"
    ids: tuple[int, ...]


@dataclass(frozen=True)
class Moved(Message):
    """Downloads took new places in the queue (a ``move``, or a JSON-RPC
    ``changePosition``): their new ``position`` each, in lines of bounded
    size as ``added`` (one event for thousands of moved downloads, not a
    ``changed`` each)."""

    TYPE: ClassVar[str] = "moved"
    places: tuple[QueuePlace, ...]


@dataclass(frozen=True)
class Segments(Message):
    """The segment map of download ``id`` (answer to ``get_segments``)."""

    TYPE: ClassVar[str] = "segments"
    id: int
    size: int | None
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class RpcStatus(Message):
    """Whether the JSON-RPC endpoint runs, where, with which secret; ``error``
    says why it could not start (e.g. the port is taken), ``error_code`` is
    then :attr:`ErrorCode.PORT`."""

    TYPE: ClassVar[str] = "rpc_status"
    enabled: bool
    port: int = 0
    secret: str = ""
    error: str = ""
    error_code: str = ""


@dataclass(frozen=True)
class OptionsChanged(Message):
    """The worker-wide options were changed by someone else than the client
    (a JSON-RPC client's ``aria2.changeGlobalOption``): the values now in force,
    as in ``set_options`` (limits in bytes per second, 0: none), so the client
    keeps its settings in step instead of putting the old ones back."""

    TYPE: ClassVar[str] = "options_changed"
    directory: str
    max_active: int
    connections: int
    speed_limit: int
    download_limit: int


@dataclass(frozen=True)
class ScheduleStatus(Message):
    """The schedule in force and what it means now: sent after ``snapshot``,
    after ``set_schedule`` and whenever the hours open or close.  ``open``:
    downloads may run; ``slow``: the slow hours' limit is in force;
    ``next_change``: Unix time the hours next open or close (0: never)."""

    TYPE: ClassVar[str] = "schedule_status"
    schedule: Schedule
    open: bool = True
    slow: bool = False
    next_change: float = 0.0


@dataclass(frozen=True)
class WhenDoneStatus(Message):
    """The when-done ``action``: ``seconds_left`` > 0 while it counts down
    (``cancel_when_done`` stops it); then ``carried_out`` when it was done
    (for ``quit`` the client quits now), or ``error`` (with ``error_code``
    ``power``) saying why not.  All zero/empty: no countdown (cancelled, or
    new downloads came)."""

    TYPE: ClassVar[str] = "when_done_status"
    action: WhenDone
    seconds_left: float = 0.0
    carried_out: bool = False
    error: str = ""
    error_code: str = ""


@dataclass(frozen=True)
class Media(Message):
    """What ``url`` holds (answer to ``get_media``).  ``formats`` empty and no
    ``error``: a plain file, to add as it is.  Otherwise the ``title`` and the
    ``formats`` to choose from (worst first, as the source lists them);
    ``best`` is the choice made when nobody chooses (ids joined by ``+``, as
    in :attr:`DownloadOptions.media`).  ``error_code`` (``no-media``, or a
    download failure's code) and ``error`` say why nothing can be offered."""

    TYPE: ClassVar[str] = "media"
    url: str
    title: str = ""
    formats: tuple[MediaFormat, ...] = ()
    best: str = ""
    error: str = ""
    error_code: str = ""


@dataclass(frozen=True)
class Error(Message):
    """A command that could not be carried out, a line that could not be read,
    or a worker that cannot start.  ``code`` says which (an :class:`ErrorCode`);
    ``message`` is the English detail, for logs and tooltips; ``command`` names
    the command's type when known; ``url`` is the URL that was refused, when
    one was; ``fatal``: the worker cannot go on and exits."""

    TYPE: ClassVar[str] = "error"
    message: str
    command: str = ""
    url: str = ""
    code: str = ""
    fatal: bool = False


COMMANDS: dict[str, type[Message]] = {
    cls.TYPE: cls
    for cls in (Add, Pause, Resume, Retry, Remove, Move, StartNow, Rename, SetUrl, SetOptions,
                SetDownloadOptions, SetCategory, SetRpc, GetSegments, GetMedia, Shutdown,
                SetSchedule, CancelWhenDone)
}
EVENTS: dict[str, type[Message]] = {
    cls.TYPE: cls
    for cls in (Hello, Snapshot, Added, Changed, Progress, Removed, Moved, Segments, RpcStatus,
                OptionsChanged, Media, Error, ScheduleStatus, WhenDoneStatus)
}
MESSAGES: dict[str, type[Message]] = {**COMMANDS, **EVENTS}


# ---------------------------------------------------------------- encoding


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _to_json(value: Any) -> Any:
    if isinstance(value, (str, int, float)) and not isinstance(value, enum.Enum):
        return value
    if value is None:
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: _to_json(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (tuple, list)):
        return [_to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _to_json(v) for k, v in value.items()}
    return value


def encode(message: Message) -> str:
    """``message`` as one line of JSON (no newline; non-ASCII kept as UTF-8)."""
    obj = {"type": message.TYPE, **_to_json(message)}
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def in_batches(items: Sequence[T], make: Callable[[tuple[T, ...], bool], M],
               budget: int = BATCH_BYTES) -> list[M]:
    """``items`` as messages ``make(chunk, more)`` whose lines stay about
    ``budget`` bytes (an item bigger than that gets a line of its own); ``more``
    is true for every message but the last.  Always at least one message."""
    messages: list[M] = []
    chunk: list[T] = []
    size = 0
    for item in items:
        # ASCII-escaped JSON is never shorter than the UTF-8 line: a safe bound.
        cost = len(json.dumps(_to_json(item), separators=(",", ":"))) + 1
        if chunk and size + cost > budget:
            messages.append(make(tuple(chunk), True))
            chunk, size = [], 0
        chunk.append(item)
        size += cost
    messages.append(make(tuple(chunk), False))
    return messages


class _Mismatch(ProtocolError):
    """A value that does not fit its field; ``where`` is filled in on the way
    out (built only when something is wrong: decoding stays one pass)."""

    def __init__(self, reason: str, where: str = "") -> None:
        super().__init__(f"{where}: {reason}")
        self.reason = reason
        self.where = where

    def inside(self, outer: str) -> _Mismatch:
        return _Mismatch(self.reason, f"{outer}{self.where}")


Converter = Callable[[Any], Any]


def _plain(kind: type, reason: str) -> Converter:
    def convert(value: Any) -> Any:
        if type(value) is not kind:  # bool is an int to isinstance
            raise _Mismatch(reason)
        return value

    return convert


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Mismatch("expected a number")
    return float(value)


def _text(value: Any) -> str:
    if not isinstance(value, str):  # a StrEnum (an error code) is text too
        raise _Mismatch("expected a string")
    return value


def _anything(value: Any) -> Any:
    return value


def _mapping(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Mismatch("expected an object")
    return dict(value)


@functools.cache
def _converter(hint: Any) -> Converter:
    """A function that checks a parsed JSON value against the type ``hint``
    and builds it, made once per type."""
    origin = typing.get_origin(hint)
    if hint is Any:
        return _anything
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(hint)
        nullable = type(None) in args
        choices = [_converter(arg) for arg in args if arg is not type(None)]
        return _union(choices, nullable)
    if origin is tuple:
        return _sequence(_converter(typing.get_args(hint)[0]))
    if hint is DownloadChanges:
        return _download_changes
    if origin is dict:
        return _mapping
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _enum(hint)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _record(hint)
    if hint is bool:
        return _plain(bool, "expected true or false")
    if hint is int:
        return _plain(int, "expected an integer")
    if hint is float:
        return _number
    if hint is str:
        return _text
    raise TypeError(f"unsupported protocol type {hint!r}")  # a bug in this module


def _union(choices: list[Converter], nullable: bool) -> Converter:
    if len(choices) == 1:
        only = choices[0]
        if not nullable:
            return only
        return lambda value: None if value is None else only(value)

    def convert(value: Any) -> Any:
        if value is None and nullable:
            return None
        errors = []
        for choice in choices:
            try:
                return choice(value)
            except _Mismatch as exc:
                errors.append(exc)
        raise errors[0] if errors else _Mismatch("unexpected null")

    return convert


def _sequence(item: Converter) -> Converter:
    def convert(value: Any) -> tuple[Any, ...]:
        if not isinstance(value, list):
            raise _Mismatch("expected a list")
        try:
            return tuple(map(item, value))
        except _Mismatch:
            for index, element in enumerate(value):
                try:
                    item(element)
                except _Mismatch as exc:
                    raise exc.inside(f"[{index}]") from None
            raise

    return convert


def _enum(kind: type[enum.Enum]) -> Converter:
    def convert(value: Any) -> Any:
        try:
            return kind(value)
        except ValueError:
            raise _Mismatch(f"unknown value {value!r}") from None

    return convert


def _record(cls: type) -> Converter:
    hints = typing.get_type_hints(cls)
    spec = [
        (f.name, _converter(hints[f.name]),
         f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
        for f in dataclasses.fields(cls)
    ]

    def convert(value: Any) -> Any:
        if not isinstance(value, dict):
            raise _Mismatch("expected an object")
        kwargs = {}
        for name, field_converter, required in spec:
            if name in value:
                try:
                    kwargs[name] = field_converter(value[name])
                except _Mismatch as exc:
                    raise exc.inside(f".{name}") from None
            elif required:
                raise _Mismatch(f"missing field {name!r}")
        return cls(**kwargs)

    return convert


@functools.cache
def _info_fields() -> dict[str, Converter]:
    hints = typing.get_type_hints(DownloadInfo)
    return {f.name: _converter(hints[f.name]) for f in dataclasses.fields(DownloadInfo)
            if f.name != "id"}


def _download_changes(value: Any) -> DownloadChanges:
    if not isinstance(value, dict):
        raise _Mismatch("expected an object")
    known = _info_fields()
    changes = DownloadChanges()
    for name, new in value.items():
        convert = known.get(name)
        if convert is None:
            continue  # a newer peer's field
        try:
            changes[name] = convert(new)
        except _Mismatch as exc:
            raise exc.inside(f".{name}") from None
    return changes


def apply(info: DownloadInfo, fields: dict[str, Any]) -> DownloadInfo:
    """``info`` with the ``fields`` of a ``changed`` event put on it.  The
    values are checked (and a state's name made a :class:`State`) as the
    decoder does, so in-process events and tests may pass plain values;
    raises :class:`ProtocolError` for one that does not fit."""
    try:
        changes = _download_changes(fields)
    except _Mismatch as exc:
        raise ProtocolError(f"changed{exc.where}: {exc.reason}") from None
    return dataclasses.replace(info, **changes)


def _build(cls: type, obj: dict[str, Any], where: str) -> Any:
    try:
        return _converter(cls)(obj)
    except _Mismatch as exc:
        raise ProtocolError(f"{where}{exc.where}: {exc.reason}") from None


def decode(line: str | bytes, allowed: dict[str, type[Message]] = MESSAGES) -> Message:
    """Parse one line into a message of one of the ``allowed`` types.

    Raises :class:`ProtocolError` with a readable reason for anything else:
    invalid UTF-8 or JSON, a line over :data:`MAX_LINE_BYTES`, an unknown type,
    a missing field or a field of the wrong type.
    """
    if len(line) > MAX_LINE_BYTES:
        raise ProtocolError(f"line too long ({len(line)} bytes; at most {MAX_LINE_BYTES})")
    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolError("line is not valid UTF-8") from None
    try:
        obj = json.loads(line)
    except ValueError as exc:
        raise ProtocolError(f"line is not valid JSON ({exc})") from None
    if not isinstance(obj, dict):
        raise ProtocolError("a message must be a JSON object")
    kind = obj.get("type")
    if not isinstance(kind, str):
        raise ProtocolError("message has no \"type\"")
    cls = allowed.get(kind)
    if cls is None:
        raise ProtocolError(f"unknown message type {kind!r}")
    return _build(cls, obj, kind)


def decode_command(line: str | bytes) -> Message:
    """:func:`decode` restricted to commands (what the worker reads)."""
    return decode(line, COMMANDS)


def decode_event(line: str | bytes) -> Message:
    """:func:`decode` restricted to events (what the client reads)."""
    return decode(line, EVENTS)
