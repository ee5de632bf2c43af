"""``greenget get``: the engine in-process, headless, for terminals and scripts.

Runs the same scheduler and downloads as the worker, with its own small store
per destination folder, so running the same command again after an
interruption resumes every ``.part`` it left.
"""

from engine.monkey import patch_all

patch_all()  # first: before ssl, requests or anything else comes in

import argparse
import contextlib
import hashlib
import logging
import os
import signal
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NoReturn, TextIO

import gevent
from gevent.event import Event

from engine import listfile, protocol, urlglob
from engine.allocator import keep_big_buffers_out_of_the_heap
from engine.checksums import SIDECAR, parse_checksum
from engine.home import AlreadyRunning, StateLock, state_home
from engine.http import check_proxy
from engine.limits import raise_open_file_limit
from engine.protocol import State
from engine.scheduler import CommandError, Scheduler
from engine.settings import MAX_CONNECTIONS, Settings, parse_size
from engine.store import Store, StoreError
from engine.urls import redact

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def parse_rate(text: str) -> int:
    """A speed or size for the command line: ``500K``, ``2M``, ``10G``."""
    try:
        value = parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if value <= 0:
        raise argparse.ArgumentTypeError("it must be above zero")
    return value


def _connections(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 1 <= value <= MAX_CONNECTIONS:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_CONNECTIONS}")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="greenget get",
        description="Download URLs without the window. Interrupted downloads resume "
                    "when you run the same command again.",
    )
    parser.add_argument("urls", nargs="*", metavar="URL",
                        help="http or https links; curl's patterns such as file[001-100].zip, "
                             "[a-z] or {one,two} make one link each")
    parser.add_argument("-g", "--globoff", action="store_true",
                        help="take [] and {} in the links literally, as curl --globoff does")
    parser.add_argument("-d", "--dir", default=".", help="destination folder (default: .)")
    parser.add_argument("-o", "--output", help="file name to save under (one URL only)")
    parser.add_argument("-x", "--connections", type=_connections, default=8,
                        help="connections per download when the server allows ranges "
                             "(default 8)")
    parser.add_argument("-j", "--jobs", type=_positive, default=3,
                        help="downloads at once (default 3)")
    parser.add_argument("-i", "--input-file",
                        help="read URLs from FILE (- for stdin): one a line, aria2's input-file "
                             "format (indented dir=, out=, split=, checksum=, header= lines) "
                             "or a list Greenget exported as JSON")
    parser.add_argument("--limit-rate", type=parse_rate,
                        help="overall speed limit, e.g. 500K or 2M (bytes per second)")
    parser.add_argument("--checksum", help="verify the file, e.g. sha256=<hex> (one URL only), "
                        "or 'sidecar' to check each file against <URL>.sha256")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="seconds without data before a connection counts as stalled "
                             "and is retried (default 30)")
    parser.add_argument("--retries", type=int, default=10,
                        help="tries in a row without progress before giving up (default 10)")
    parser.add_argument("--max-filesize", type=parse_rate, metavar="SIZE",
                        help="fail a file bigger than SIZE (e.g. 10G) instead of filling the "
                             "disk; also stops endless streams")
    parser.add_argument("--proxy", default="system",
                        help="'system' (the environment's settings, the default), 'none', "
                             "or a proxy such as http://host:3128 or socks5://host:1080")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="print only one line per finished file and errors")
    return parser


@dataclass
class Outcome:
    wanted: set[int] = field(default_factory=set)
    completed: set[int] = field(default_factory=set)
    failed: dict[int, str] = field(default_factory=dict)


class Reporter:
    """Turns engine events into terminal output: a live line on a TTY, else
    one line per finished file (safe for logs and pipes)."""

    def __init__(self, out: TextIO, err: TextIO, live: bool) -> None:
        self.out, self.err, self.live = out, err, live
        self.outcome = Outcome()
        self.records: dict[int, protocol.DownloadInfo] = {}
        self.done: dict[int, int] = {}
        self.speed: dict[int, float] = {}
        self._last_width = 0

    def emit(self, message: protocol.Message) -> None:
        if isinstance(message, protocol.Added):
            self.records.update((info.id, info) for info in message.downloads)
        elif isinstance(message, protocol.Changed):
            self._changed(message)
        elif isinstance(message, protocol.Progress):
            for item in message.items:
                self.done[item.id] = item.done
                self.speed[item.id] = item.speed
            self._draw()
        elif isinstance(message, protocol.Error):
            self._print(self.err, f"greenget: {message.message}"
                        + (f" ({message.url})" if message.url else ""))

    def _changed(self, message: protocol.Changed) -> None:
        info = self.records.get(message.id)
        if info is None:
            return
        info = protocol.apply(info, message.fields)
        self.records[message.id] = info
        if "done" in message.fields:
            self.done[message.id] = info.done
        if message.id not in self.outcome.wanted:
            return
        if info.state is State.COMPLETED and message.id not in self.outcome.completed:
            self.outcome.completed.add(message.id)
            self._print(self.out, f"done    {info.path}")
        elif info.state is State.FAILED:
            self.outcome.failed[message.id] = info.error
            self._print(self.err, f"failed  {redact(info.url)}: {info.error}")
        elif info.state is State.RETRYING and info.error:
            self._print(self.err, f"retry   {info.name or redact(info.url)}: {info.error}")

    def _print(self, stream: TextIO, text: str) -> None:
        self._clear()
        print(text, file=stream, flush=True)
        self._draw()

    def _clear(self) -> None:
        if self.live and self._last_width:
            self.err.write("\r" + " " * self._last_width + "\r")
            self._last_width = 0

    def _draw(self) -> None:
        if not self.live:
            return
        wanted = self.outcome.wanted
        active = [i for i in wanted if self.records.get(i) and self.records[i].state in
                  protocol.ACTIVE_STATES]
        size = sum(self.records[i].size or 0 for i in wanted if i in self.records)
        done = sum(self.done.get(i, 0) for i in wanted)
        speed = sum(self.speed.get(i, 0.0) for i in active)
        finished = len(self.outcome.completed) + len(self.outcome.failed)
        percent = f"{100 * done / size:5.1f}%" if size else "   ?  "
        eta = _duration((size - done) / speed) if size and speed > 0 else "--:--"
        line = (f"[{finished}/{len(wanted)}] {percent} {_human(done)} "
                f"{_human(speed)}/s ETA {eta}")
        self._clear()
        self.err.write(line)
        self.err.flush()
        self._last_width = len(line)

    def finish(self) -> None:
        self._clear()


def _human(amount: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if amount < 1024 or unit == "GiB":
            return f"{amount:.0f} {unit}" if unit == "B" else f"{amount:.1f} {unit}"
        amount /= 1024
    return f"{amount:.1f} TiB"


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def read_list(source: str, base: str) -> list[listfile.Entry]:
    """Downloads from a file (or stdin for ``-``): one link a line, ``#``
    comments skipped, with aria2's indented option lines, or Greenget's JSON."""
    text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    return listfile.parse(text, base)


def _store_for(directory: str) -> tuple[Path, str]:
    key = hashlib.sha256(directory.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return state_home() / "cli", key


def _queue(scheduler: Scheduler, urls: list[str], directory: str,
           options: protocol.DownloadOptions) -> set[int]:
    """Queue ``urls``, resuming earlier unfinished runs of the same URL here."""
    unfinished = {(r.url, r.requested_name): r for r in scheduler.records.values()
                  if r.state is not State.COMPLETED}
    wanted: set[int] = set()
    fresh = []
    for url in urls:
        earlier = unfinished.pop((url.strip(), options.filename), None)
        if earlier is not None:
            scheduler.update(earlier, state=State.QUEUED, error="", error_code="",
                             checksum=parse_checksum(options.checksum))
            wanted.add(earlier.id)
        else:
            fresh.append(url)
    wanted.update(r.id for r in scheduler.add(fresh, directory, options))  # also starts them
    return wanted


def run(args: argparse.Namespace, out: TextIO, err: TextIO, stop: Event) -> int:
    """Download what ``args`` ask for until done or ``stop`` is set; the exit status."""
    urls = list(args.urls)
    if not args.globoff:
        try:
            urls = [url for pattern in urls for url in urlglob.expand(pattern)]
        except urlglob.GlobError as exc:
            print(f"greenget: {exc}", file=err)
            return EXIT_USAGE
    directory = os.path.abspath(os.path.expanduser(args.dir))
    listed: list[listfile.Entry] = []
    if args.input_file:
        try:
            listed = read_list(args.input_file, directory)
        except OSError as exc:
            print(f"greenget: cannot read {args.input_file}: {exc.strerror}", file=err)
            return EXIT_USAGE
        except (listfile.ListError, UnicodeDecodeError) as exc:
            print(f"greenget: cannot read {args.input_file}: {exc}", file=err)
            return EXIT_USAGE
    plain = [entry for entry in listed if entry.directory is None
             and entry.options == protocol.DownloadOptions()]
    urls += [entry.url for entry in plain]
    listed = [entry for entry in listed if entry not in plain]
    if not urls and not listed:
        print("greenget: no URL given (see greenget get --help)", file=err)
        return EXIT_USAGE
    try:
        checksum = parse_checksum(args.checksum)
    except ValueError as exc:
        print(f"greenget: {exc}", file=err)
        return EXIT_USAGE
    if (args.output or (checksum and checksum != SIDECAR)) and len(urls) != 1:
        print("greenget: -o and --checksum need exactly one URL", file=err)
        return EXIT_USAGE
    problem = check_proxy(args.proxy)
    if problem:
        print(f"greenget: {problem}", file=err)
        return EXIT_USAGE
    folder, key = _store_for(directory)
    lock = StateLock(folder, key)
    try:
        lock.acquire()
        store = Store(folder / f"{key}.sqlite3")
    except AlreadyRunning:
        print(f"greenget: another 'greenget get' is downloading into {directory}", file=err)
        return EXIT_USAGE
    except (StoreError, OSError) as exc:
        print(f"greenget: {exc}", file=err)
        return EXIT_USAGE
    settings = Settings(max_active=args.jobs, connections=args.connections,
                        speed_limit=args.limit_rate, read_timeout=args.timeout,
                        max_retries=args.retries, max_file_size=args.max_filesize,
                        proxy=args.proxy)
    reporter = Reporter(out, err, live=err.isatty() and not args.quiet)
    scheduler = Scheduler(store, reporter.emit, settings)
    earlier = store.load()
    store.remove(*(r.id for r in earlier if r.state is State.COMPLETED))
    for record in earlier:  # only what this command asks for runs
        if record.state not in (State.COMPLETED, State.PAUSED):
            record.state = State.PAUSED
            store.save(record)
    options = protocol.DownloadOptions(filename=args.output, checksum=checksum)
    try:
        scheduler.start()
        reporter.outcome.wanted = _queue(scheduler, urls, directory, options)
        for entry in listed:  # each with the folder and options its list gave it
            reporter.outcome.wanted |= _queue(
                scheduler, [entry.url], entry.directory or directory,
                replace(entry.options, paused=False))  # the command is asked to download
        reporter.records.update({i: scheduler.records[i].info()
                                 for i in reporter.outcome.wanted})
        ended: list[Any] = [scheduler.idle, stop, scheduler.supervisor.failed]
        gevent.wait(ended, count=1)
    except CommandError as exc:
        print(f"greenget: {exc}", file=err)
        return EXIT_USAGE
    finally:
        try:
            scheduler.stop()
            store.remove(*reporter.outcome.completed)
        except Exception as exc:  # the store may be what failed; the next run resumes
            log.error("could not record the end cleanly: %s", exc)
        store.close()
        lock.release()
        reporter.finish()
    if scheduler.supervisor.failed.ready():
        print(f"greenget: {scheduler.supervisor.failed.get()}; run the same command again "
              "to resume", file=err)
        return EXIT_FAILED
    if stop.is_set():
        print("greenget: interrupted; run the same command again to resume", file=err)
        return EXIT_INTERRUPTED
    outcome = reporter.outcome
    ok = len(outcome.completed) == len(outcome.wanted) == len(urls) + len(listed)
    return EXIT_OK if ok else EXIT_FAILED


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=os.environ.get("GREENGET_LOG_LEVEL", "WARNING").upper(),
                        stream=sys.stderr, format="greenget: %(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    raise_open_file_limit()
    keep_big_buffers_out_of_the_heap()
    stop = Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        gevent.signal_handler(signum, stop.set)
    started = time.monotonic()
    code = run(args, sys.stdout, sys.stderr, stop)
    log.info("finished in %.2fs with status %d", time.monotonic() - started, code)
    return code


def exit_now(code: int) -> NoReturn:
    """End the process with ``code`` without Python's teardown, which frees every
    module and object one by one: 64 M of the 930 M instructions a small
    download takes (callgrind), and up to a quarter of a second on a busy
    machine.  Nothing is lost: ``run`` has closed the store and every file, and
    each completed file was flushed before its rename; the terminal's output
    and the logs are flushed here."""
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (``| head``)
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    exit_now(main())
