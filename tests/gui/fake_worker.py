"""A stand-in for ``python -m engine`` that speaks the protocol from a script.

Usage: ``fake_worker.py MODE [ARG]``.  With ``FAKE_WORKER_LOG`` set, every
command line received is appended to that file.  Modes:

* ``normal``: hello, an empty snapshot, then answers ``add`` with ``added``,
  ``pause``/``resume``/``set_url``/``set_download_options`` with ``changed``,
  ``remove`` with ``removed``, ``set_rpc`` with ``rpc_status`` (secret
  ``fake-secret``), ``get_segments`` with a fixed map (:data:`SEGMENTS`); exits 0
  on ``shutdown`` or end of input.
* ``noisy``: like ``normal``, but the hello line arrives in pieces and is
  followed by garbage (not JSON, not an object, an unknown type, a bad field).
* ``crash-once``: ARG is a marker file; the first run (no marker) says hello
  and then dies with status 3 (no error event); later runs are ``normal``.
* ``locked``: the fatal ``error`` a worker sends (instead of hello) when
  another one holds the state folder, then exit 3.
* ``old``: a worker of the previous protocol version: its hello, then
  ``normal``.
* ``mute``: exits 1 at once without a word.
* ``stubborn``: like ``normal`` but ignores ``shutdown`` and end of input.
* ``flood``: a snapshot of ARG downloads (default 1000) of which the first 100
  are downloading, then progress for those 100 at 5 Hz until shutdown.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

from engine import protocol as p

LOCKED = (
    "Another Greenget worker is already using /tmp/x; "
    "only one may run on a state folder at a time."
)
SEGMENTS = (
    p.Segment(0, 400, 400),  # done
    p.Segment(400, 700, 100, active=True),  # a quarter done, being fetched
    p.Segment(700, 1000, 0),  # not started
)
_out_lock = threading.Lock()


def emit(message: p.Message) -> None:
    write((message.encode() + "\n").encode())


def write(data: bytes) -> None:
    with _out_lock:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


def info(i: int, state: p.State = p.State.QUEUED, **kw: object) -> p.DownloadInfo:
    return p.DownloadInfo(
        id=i, url=f"http://127.0.0.1/{i}.bin", directory="/tmp", state=state,
        name=f"file-{i}.bin", added=1_700_000_000 + i, **kw,  # type: ignore[arg-type]
    )


def serve(stubborn: bool = False) -> int:
    next_id = 1000
    log_path = os.environ.get("FAKE_WORKER_LOG")
    for raw in sys.stdin.buffer:
        if log_path:
            with open(log_path, "ab") as log:
                log.write(raw)
        try:
            cmd = p.decode_command(raw)
        except p.ProtocolError as exc:
            emit(p.Error(f"not a command: {exc}"))
            continue
        match cmd:
            case p.Add():
                infos = []
                for url in cmd.urls:
                    next_id += 1
                    infos.append(p.DownloadInfo(next_id, url, cmd.directory, p.State.QUEUED))
                for added in p.in_batches(infos, lambda d, _more: p.Added(d)):
                    emit(added)
            case p.Pause():
                for i in cmd.ids:
                    emit(p.Changed(i, {"state": "paused"}))
            case p.Resume():
                for i in cmd.ids:
                    emit(p.Changed(i, {"state": "queued"}))
            case p.Remove():
                emit(p.Removed(cmd.ids))
            case p.SetUrl():
                emit(p.Changed(cmd.id, {"url": cmd.url, "state": "queued", "error": ""}))
            case p.SetDownloadOptions():
                for i in cmd.ids:
                    emit(p.Changed(i, {"speed_limit": cmd.speed_limit or None}))
            case p.SetRpc():
                emit(p.RpcStatus(cmd.enabled, cmd.port if cmd.enabled else 0,
                                 "fake-secret" if cmd.enabled else ""))
            case p.GetSegments():
                emit(p.Segments(cmd.id, 1000, SEGMENTS))
            case p.Shutdown() if not stubborn:
                return 0
    while stubborn:
        time.sleep(1)
    return 0


def flood(count: int) -> None:
    for snapshot in p.in_batches([
        info(i, p.State.DOWNLOADING if i < 100 else p.State.QUEUED, size=10**9)
        for i in range(count)
    ], p.Snapshot):
        emit(snapshot)
    done = 0
    while True:
        time.sleep(0.2)
        done += 1_000_000
        emit(p.Progress(tuple(p.ProgressItem(i, done + i, 5e6 + i) for i in range(100))))


def main() -> int:
    mode = sys.argv[1]
    arg = sys.argv[2] if len(sys.argv) > 2 else ""
    hello = p.Hello(p.PROTOCOL_VERSION, os.getpid())
    if mode == "mute":
        return 1
    if mode == "noisy":
        line = (hello.encode() + "\n").encode()
        for piece in (line[:5], line[5:17], line[17:]):
            write(piece)
            time.sleep(0.05)
        write(b"this is not json\n[1, 2]\n{\"type\": \"nonsense\"}\n")
        write(b"{\"type\": \"progress\", \"items\": 7}\n\xff\xfe\n\n")
    elif mode == "locked":
        emit(p.Error(LOCKED, code=p.ErrorCode.ALREADY_RUNNING, fatal=True))
        return 3
    elif mode == "old":
        emit(p.Hello(p.PROTOCOL_VERSION - 1, os.getpid()))
    else:
        emit(hello)
    if mode == "crash-once":
        marker = Path(arg)
        if not marker.exists():
            marker.write_text("crashed")
            emit(p.Snapshot((info(1, p.State.DOWNLOADING, size=100),)))
            time.sleep(0.2)
            os._exit(3)
        emit(p.Snapshot((info(1, p.State.DOWNLOADING, size=100),)))
        return serve()
    if mode == "flood":
        threading.Thread(target=flood, args=(int(arg or 1000),), daemon=True).start()
        return serve()
    emit(p.Snapshot(()))
    return serve(stubborn=mode == "stubborn")


if __name__ == "__main__":
    sys.exit(main())
