"""aria2's JSON-RPC methods, carried out by Greenget's scheduler.

Browser extensions (Aria2 Explorer, Aria2 Integration, YAAW) and web UIs
(AriaNg, webui-aria2) speak aria2's API; this module answers it, so they drive
Greenget unchanged.  The transport (HTTP and WebSocket) is :mod:`engine.rpc`.

Conventions kept from aria2: a GID is 16 hex digits (here the download's id,
so it is stable across restarts); every number is sent as a string; a
download's ``status`` is one of active / waiting / paused / error / complete /
removed; the secret comes first in ``params`` as ``"token:<secret>"``.
"""

from __future__ import annotations

import hmac
import inspect
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine import protocol
from engine.filenames import sanitize
from engine.naming import url_filename
from engine.protocol import State
from engine.scheduler import CommandError, Scheduler
from engine.settings import MAX_CONNECTIONS, parse_size
from engine.store import Record

log = logging.getLogger(__name__)

ARIA2_VERSION = "1.37.0"
NOTIFICATIONS = ("aria2.onDownloadStart", "aria2.onDownloadPause", "aria2.onDownloadStop",
                 "aria2.onDownloadComplete", "aria2.onDownloadError")
_UNSUPPORTED = ("aria2.addTorrent", "aria2.addMetalink", "aria2.getPeers", "aria2.getServers",
                "aria2.changeUri", "aria2.shutdown", "aria2.forceShutdown")
_STATUS = {State.DOWNLOADING: "active", State.RETRYING: "active", State.QUEUED: "waiting",
           State.SCHEDULED: "waiting", State.PAUSED: "paused", State.FAILED: "error",
           State.COMPLETED: "complete"}
_WAITING = frozenset({State.QUEUED, State.SCHEDULED, State.PAUSED})
NOTIFY_ON = {State.DOWNLOADING: "aria2.onDownloadStart", State.PAUSED: "aria2.onDownloadPause",
             State.COMPLETED: "aria2.onDownloadComplete", State.FAILED: "aria2.onDownloadError"}


UNAUTHORIZED = "Unauthorized"  # aria2's message for a wrong or missing secret; clients match it


_ABSENT = object()  # a parameter not given, unlike one given as null


class RpcError(Exception):
    """A JSON-RPC error: ``code`` 1 as aria2 uses for every failure."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class _Arity:
    """How many parameters a method takes: aria2 ignores surplus ones and
    names the first missing one."""

    required: int
    most: int

    @classmethod
    def of(cls, handler: Callable[..., Any]) -> _Arity:
        params = inspect.signature(handler).parameters.values()
        return cls(sum(p.default is inspect.Parameter.empty for p in params), len(params))

    def fit(self, params: list[Any]) -> list[Any]:
        if len(params) < self.required:
            raise RpcError(f"The parameter at {len(params)} is required but missing.")
        return params[:self.most]


def gid_of(download_id: int) -> str:
    return f"{download_id:016x}"


def id_of(gid: object) -> int:
    if not isinstance(gid, str) or len(gid) != 16:
        raise RpcError(f"Invalid GID {gid!r}")
    try:
        return int(gid, 16)
    except ValueError:
        raise RpcError(f"Invalid GID {gid!r}") from None


def window(items: list[Any], offset: int, count: int) -> list[Any]:
    """aria2's paging: a negative ``offset`` counts from the end, newest first."""
    if count <= 0:
        return []
    if offset >= 0:
        return items[offset:offset + count]
    start = len(items) + offset
    if start < 0:
        return []
    return list(reversed(items[max(0, start - count + 1):start + 1]))


def _int(value: object, what: str) -> int:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise RpcError(f"{what} must be a number, not {value!r}") from None


def _speed(value: object) -> int:
    try:
        return parse_size(str(value))
    except ValueError as exc:
        raise RpcError(str(exc)) from None


class Aria2Api:
    def __init__(self, scheduler: Scheduler, secret: Callable[[], str]) -> None:
        self.scheduler = scheduler
        self._secret = secret
        self.removed: dict[int, dict[str, Any]] = {}  # aria2 keeps removed results
        self._methods: dict[str, Callable[..., Any]] = {
            "aria2.addUri": self.add_uri, "aria2.tellStatus": self.tell_status,
            "aria2.tellActive": self.tell_active, "aria2.tellWaiting": self.tell_waiting,
            "aria2.tellStopped": self.tell_stopped, "aria2.getFiles": self.get_files,
            "aria2.getUris": self.get_uris, "aria2.getGlobalStat": self.get_global_stat,
            "aria2.pause": self.pause, "aria2.forcePause": self.pause,
            "aria2.pauseAll": self.pause_all, "aria2.forcePauseAll": self.pause_all,
            "aria2.unpause": self.unpause, "aria2.unpauseAll": self.unpause_all,
            "aria2.remove": self.remove, "aria2.forceRemove": self.remove,
            "aria2.removeDownloadResult": self.remove_result,
            "aria2.purgeDownloadResult": self.purge_results,
            "aria2.changePosition": self.change_position,
            "aria2.changeOption": self.change_option,
            "aria2.changeGlobalOption": self.change_global_option,
            "aria2.getOption": self.get_option, "aria2.getGlobalOption": self.get_global_option,
            "aria2.getVersion": self.get_version, "aria2.getSessionInfo": self.get_session_info,
            "aria2.saveSession": self.save_session,
        }
        self._arity = {name: _Arity.of(handler) for name, handler in self._methods.items()}

    # ------------------------------------------------------------ dispatch

    def method_names(self) -> list[str]:
        return [*self._methods, *_UNSUPPORTED, "system.multicall", "system.listMethods",
                "system.listNotifications"]

    def call(self, method: str, params: list[Any]) -> Any:
        """Carry out one call as aria2 does: the ``system.`` listings need no
        secret; every other method takes ``"token:<secret>"`` first and is
        refused without it (even one that does not exist); surplus parameters
        are ignored.  Raises :class:`RpcError` for anything refused."""
        if method == "system.listMethods":
            return self.method_names()
        if method == "system.listNotifications":
            return list(NOTIFICATIONS)
        if method == "system.multicall":
            return self.multicall(params)
        params = self._check_token(params)
        if method in _UNSUPPORTED:
            raise RpcError(f"{method} is not supported: Greenget downloads http and https only")
        handler = self._methods.get(method)
        if handler is None:
            raise RpcError(f"No such method: {method}")
        try:
            return handler(*self._arity[method].fit(params))
        except CommandError as exc:
            raise RpcError(str(exc)) from None

    def _check_token(self, params: list[Any]) -> list[Any]:
        """The parameters after the secret, which must be right."""
        given = ""
        if params and isinstance(params[0], str) and params[0].startswith("token:"):
            given, params = params[0][6:], params[1:]
        if not hmac.compare_digest(given.encode(), self._secret().encode()):
            raise RpcError(UNAUTHORIZED)
        return params

    def multicall(self, params: list[Any]) -> list[Any]:
        calls = params[0] if params else None
        if not isinstance(calls, list):
            raise RpcError("The parameter at 0 is required but missing." if not params
                           else "The parameter at 0 has wrong type.")
        results: list[Any] = []
        for entry in calls:
            try:
                if not isinstance(entry, dict):
                    raise RpcError("system.multicall expected struct.")
                name = entry.get("methodName")
                if not isinstance(name, str):
                    raise RpcError("Missing methodName.")
                if name == "system.multicall":
                    raise RpcError("Recursive system.multicall forbidden.")
                inner = entry.get("params")
                results.append([self.call(name, inner if isinstance(inner, list) else [])])
            except RpcError as exc:
                results.append({"code": exc.code, "message": str(exc)})
        return results

    # ------------------------------------------------------------ views

    def _record(self, gid: object) -> Record:
        record = self.scheduler.records.get(id_of(gid))
        if record is None:
            raise RpcError(f"GID {gid} is not found")
        return record

    def _file(self, record: Record) -> dict[str, Any]:
        # The final name, never the .part; before the server named it, the one
        # the URL gives (as aria2 shows it), so clients can name the task.
        name = record.name or sanitize(record.requested_name or url_filename(record.url))
        return {"index": "1", "path": os.path.join(record.directory, name),
                "length": str(record.size or 0), "completedLength": str(record.done),
                "selected": "true", "uris": self._uris(record)}

    @staticmethod
    def _uris(record: Record) -> list[dict[str, str]]:
        return [{"uri": record.url, "status": "used"}]

    def status(self, record: Record, keys: object = None) -> dict[str, Any]:
        running = self.scheduler.running.get(record.id)
        full: dict[str, Any] = {
            "gid": gid_of(record.id), "status": _STATUS[record.state],
            "totalLength": str(record.size or 0), "completedLength": str(record.done),
            "uploadLength": "0", "downloadSpeed": str(int(running.speed) if running else 0),
            "uploadSpeed": "0",
            "connections": str(sum(p.active for p in record.pieces) if running else 0),
            "numPieces": str(len(record.pieces)),
            "pieceLength": str(max((p.end or 0) - p.start for p in record.pieces)
                               if record.pieces else 0),
            "dir": record.directory, "files": [self._file(record)],
        }
        if record.state in (State.COMPLETED, State.FAILED):  # aria2: stopped ones only
            full.update(errorCode="1" if record.state is State.FAILED else "0",
                        errorMessage=record.error)
        return _filtered(full, keys)

    def _listed(self, states: set[State]) -> list[Record]:
        return [r for r in self.scheduler.records.values() if r.state in states]

    # ------------------------------------------------------------ methods

    def add_uri(self, uris: object, options: object = _ABSENT, position: object = None) -> str:
        if not isinstance(uris, list) or not uris or not all(isinstance(u, str) for u in uris):
            raise RpcError("URI is not provided.")
        if options is _ABSENT:
            options = {}
        if not isinstance(options, dict):
            raise RpcError("The parameter at 1 has wrong type.")  # null too, as in aria2
        ignored = sorted(set(options) - _ADD_OPTIONS)
        if ignored:  # aria2 ignores what does not apply; so do we, but say so in the log
            log.info("addUri: ignoring options Greenget does not use: %s", ", ".join(ignored))
        directory = options.get("dir") or self.scheduler.settings.directory
        connections = _connections(options)
        limit = options.get("max-download-limit")
        checksum = options.get("checksum")
        added = self.scheduler.add(uris[:1], str(directory), protocol.DownloadOptions(
            connections=connections,
            speed_limit=_speed(limit) if limit is not None else None,  # None: the default
            checksum=str(checksum) if checksum else None,  # sha-256=…: the parser's
            filename=str(options["out"]) if options.get("out") else None,
            paused=str(options.get("pause", "false")).lower() == "true",
            headers=_headers(options, uris[0]),
        ))
        if not added:
            raise RpcError(f"Cannot download {uris[0]!r}: not an http or https link")
        if position is not None and added[0].state in _WAITING:
            self.scheduler.move([added[0].id], _int(position, "position"), "POS_SET")
        return gid_of(added[0].id)

    def tell_status(self, gid: object, keys: object = None) -> dict[str, Any]:
        download_id = id_of(gid)
        if download_id in self.removed:
            return _filtered(self.removed[download_id], keys)
        return self.status(self._record(gid), keys)

    def tell_active(self, keys: object = None) -> list[dict[str, Any]]:
        return [self.status(r, keys) for r in self._listed({State.DOWNLOADING, State.RETRYING})]

    def tell_waiting(self, offset: object, num: object, keys: object = None) -> list[Any]:
        waiting = self.scheduler.waiting()
        return [self.status(r, keys) for r in window(waiting, _int(offset, "offset"),
                                                     _int(num, "num"))]

    def tell_stopped(self, offset: object, num: object, keys: object = None) -> list[Any]:
        stopped = [self.status(r) for r in self._listed({State.COMPLETED, State.FAILED})]
        stopped += list(self.removed.values())
        return [_filtered(s, keys) for s in window(stopped, _int(offset, "offset"),
                                                    _int(num, "num"))]

    def get_files(self, gid: object) -> list[dict[str, Any]]:
        return [self._file(self._record(gid))]

    def get_uris(self, gid: object) -> list[dict[str, str]]:
        return self._uris(self._record(gid))

    def get_global_stat(self) -> dict[str, str]:
        records = list(self.scheduler.records.values())
        stopped = sum(r.state in (State.COMPLETED, State.FAILED) for r in records)
        speed = sum(r.speed for r in self.scheduler.running.values())
        return {"downloadSpeed": str(int(speed)), "uploadSpeed": "0",
                "numActive": str(len(self.scheduler.running)),
                "numWaiting": str(sum(r.state in _WAITING for r in records)),
                "numStopped": str(stopped + len(self.removed)),
                "numStoppedTotal": str(stopped + len(self.removed))}

    def pause(self, gid: object) -> str:
        self.scheduler.handle_now(protocol.Pause(ids=(self._record(gid).id,)))
        return str(gid)

    def pause_all(self) -> str:
        self.scheduler.handle_now(protocol.Pause(all=True))
        return "OK"

    def unpause(self, gid: object) -> str:
        self.scheduler.handle_now(protocol.Resume(ids=(self._record(gid).id,)))
        return str(gid)

    def unpause_all(self) -> str:
        self.scheduler.handle_now(protocol.Resume(all=True))
        return "OK"

    def remove(self, gid: object) -> str:
        record = self._record(gid)
        result = self.status(record)
        was_active = result["status"] == "active"  # aria2 keeps no result for a waiting one
        result.update(status="removed", downloadSpeed="0", connections="0",
                      errorCode="0", errorMessage="")
        self.scheduler.handle_now(protocol.Remove(ids=(record.id,)))
        if was_active:
            self.removed[record.id] = result
        return str(gid)

    def remove_result(self, gid: object) -> str:
        download_id = id_of(gid)
        if self.removed.pop(download_id, None) is not None:
            return "OK"
        record = self._record(gid)
        if record.state not in (State.COMPLETED, State.FAILED):
            raise RpcError(f"GID {gid} is not stopped")
        self.scheduler.handle_now(protocol.Remove(ids=(record.id,)))
        return "OK"

    def purge_results(self) -> str:
        finished = tuple(r.id for r in self._listed({State.COMPLETED, State.FAILED}))
        if finished:
            self.scheduler.handle_now(protocol.Remove(ids=finished))
        self.removed.clear()
        return "OK"

    def change_position(self, gid: object, pos: object, how: object) -> int:
        record = self._record(gid)
        if record.state not in _WAITING:
            raise RpcError(f"GID {gid} is not waiting")
        if how not in ("POS_SET", "POS_CUR", "POS_END"):
            raise RpcError(f"Unknown position origin {how!r}")
        return self.scheduler.move([record.id], _int(pos, "pos"), str(how))

    def change_option(self, gid: object, options: object) -> str:
        record = self._record(gid)
        options = _options(options, _DOWNLOAD_OPTIONS, "changeOption")
        limit = options.get("max-download-limit")
        self.scheduler.handle_now(protocol.SetDownloadOptions(
            ids=(record.id,), speed_limit=_speed(limit) if limit is not None else None,
            connections=_connections(options)))
        return "OK"

    def change_global_option(self, options: object) -> str:
        """Every option either takes effect or the call is refused, whole."""
        options = _options(options, _GLOBAL_OPTIONS, "changeGlobalOption")
        active = options.get("max-concurrent-downloads")
        limit = options.get("max-overall-download-limit")
        directory = options.get("dir")
        if directory is not None and not os.path.isabs(os.path.expanduser(str(directory))):
            raise RpcError(f"dir must be an absolute path, not {directory!r}")
        download_limit = options.get("max-download-limit")
        self.scheduler.handle_now(protocol.SetOptions(
            max_active=_int(active, "max-concurrent-downloads") if active is not None else None,
            speed_limit=_speed(limit) if limit is not None else None,
            connections=_connections(options),
            download_limit=_speed(download_limit) if download_limit is not None else None,
            directory=str(directory) if directory is not None else None))
        settings = self.scheduler.settings
        self.scheduler.emit(protocol.OptionsChanged(  # the window keeps its settings in step
            directory=settings.directory, max_active=settings.max_active,
            connections=settings.connections, speed_limit=settings.speed_limit or 0,
            download_limit=settings.download_limit or 0))
        return "OK"

    def get_option(self, gid: object) -> dict[str, str]:
        record = self._record(gid)
        settings = self.scheduler.settings
        return {"dir": record.directory, "out": record.name or record.requested_name or "",
                "split": str(settings.connections_for(record.connections)),
                "max-connection-per-server": str(settings.connections_for(record.connections)),
                "max-download-limit": str(record.speed_limit or 0),
                **({"checksum": record.checksum.replace("=", "-", 1)}
                   if record.checksum else {})}

    def get_global_option(self) -> dict[str, str]:
        settings = self.scheduler.settings
        return {"dir": settings.directory, "split": str(settings.connections),
                "max-connection-per-server": str(settings.connections),
                "max-concurrent-downloads": str(settings.max_active),
                "max-overall-download-limit": str(settings.speed_limit or 0),
                "max-download-limit": str(settings.download_limit or 0)}

    def get_version(self) -> dict[str, Any]:
        return {"version": ARIA2_VERSION,
                "enabledFeatures": ["HTTPS", "Message Digest", "Greenget"]}

    def get_session_info(self) -> dict[str, str]:
        return {"sessionId": f"{id(self.scheduler):040x}"[-40:]}

    def save_session(self) -> str:
        self.scheduler.checkpoint()  # the store is the session: always saved
        return "OK"


# The options addUri uses; aria2 too ignores those that do not apply to a download.
_ADD_OPTIONS = {"dir", "out", "split", "max-connection-per-server", "max-download-limit",
                "checksum", "pause", "header", "referer", "user-agent"}
# What changeOption and changeGlobalOption can change: anything else is refused.
_DOWNLOAD_OPTIONS = {"split", "max-connection-per-server", "max-download-limit"}
_GLOBAL_OPTIONS = {"dir", "max-concurrent-downloads", "max-overall-download-limit", "split",
                   "max-connection-per-server", "max-download-limit"}


def _options(options: object, allowed: set[str], method: str) -> dict[str, Any]:
    if not isinstance(options, dict):
        raise RpcError("The parameter at 1 has wrong type." if method == "changeOption"
                       else "The parameter at 0 has wrong type.")
    refused = sorted(set(options) - allowed)
    if refused:
        raise RpcError(f"{method}: Greenget cannot change {', '.join(refused)} "
                       f"(it can change {', '.join(sorted(allowed))})")
    return options


def _connections(options: dict[str, Any]) -> int | None:
    """``split`` or ``max-connection-per-server`` (the smaller if both): the
    connections of one download, which must be within Greenget's range."""
    given = [options[k] for k in ("split", "max-connection-per-server") if k in options]
    if not given:
        return None
    connections = min(_int(v, "split") for v in given)
    if not 1 <= connections <= MAX_CONNECTIONS:
        raise RpcError(f"split must be between 1 and {MAX_CONNECTIONS}, not {connections}")
    return connections


def _headers(options: dict[str, Any], uri: str) -> tuple[str, ...]:
    """``header`` lines, with ``referer`` (``*``: the URI itself, as in aria2)
    and ``user-agent`` added unless a header line already gives them."""
    lines = options.get("header") or []
    if isinstance(lines, str):
        lines = lines.split("\n")
    headers = [h for h in lines if isinstance(h, str)] if isinstance(lines, list) else []
    given = {h.partition(":")[0].strip().lower() for h in headers}
    referer, agent = options.get("referer"), options.get("user-agent")
    if isinstance(referer, str) and referer and "referer" not in given:
        headers.append(f"Referer: {uri if referer == '*' else referer}")
    if isinstance(agent, str) and agent and "user-agent" not in given:
        headers.append(f"User-Agent: {agent}")
    return tuple(headers)


def _filtered(full: dict[str, Any], keys: object) -> dict[str, Any]:
    if isinstance(keys, list) and keys:
        return {k: v for k, v in full.items() if k in keys}
    return full
