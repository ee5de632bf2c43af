"""The JSON-RPC envelope as aria2 handles it, apart from any transport.

aria2's rules (``src/rpc_helper.cc``, ``src/HttpServerBodyCommand.cc``, ``src/json.cc``):
a call without ``id`` or with a non-string ``method`` is ``-32600 Invalid Request.``;
``params`` that are not a list are ``-32602 Invalid params.``; a body that is not
a JSON object or list is ``-32700 Parse error.``.  Over HTTP a single call's
answer carries the status 200 (success), 400 (a failed call, code 1, or -32600), 404 (-32601) or 500
(anything else); a batch is always 200, and its items that are not objects are
dropped.  A GET carries the call in its query: ``method``, ``id`` and ``params``
(base64 of the JSON list), or only ``params`` for a batch, and ``jsoncallback``
wraps the answer for JSONP.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import unquote_to_bytes

from engine.aria2 import UNAUTHORIZED, RpcError

log = logging.getLogger(__name__)

PARSE_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, INVALID_PARAMS = -32700, -32600, -32601, -32602
_HTTP_STATUS = {0: 200, 1: 400, INVALID_REQUEST: 400, METHOD_NOT_FOUND: 404}
_CALLBACK = re.compile(r"^[A-Za-z_$][\w$.]{0,127}$")  # a JavaScript name, nothing to inject


class Api(Protocol):
    def call(self, method: str, params: list[Any]) -> Any: ...


@dataclass(frozen=True)
class Reply:
    """One answer: the JSON to send, the HTTP status aria2 gives it, and
    whether a call in it was refused for a wrong secret (aria2 delays those)."""

    payload: Any
    status: int = 200
    unauthorized: bool = False

    def body(self, callback: str | None = None) -> bytes:
        text = json.dumps(self.payload, ensure_ascii=False, separators=(",", ":"))
        return (f"{callback}({text})" if callback else text).encode("utf-8")


def error(call_id: object, code: int, message: str) -> dict[str, Any]:
    return {"id": call_id, "jsonrpc": "2.0", "error": {"code": code, "message": message}}


def answer(api: Api, body: bytes) -> Reply:
    """The answer to one request body: a call or a batch of calls."""
    try:
        request = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return _single(error(None, PARSE_ERROR, "Parse error."))
    if isinstance(request, list):
        answers = [_one(api, item) for item in request if isinstance(item, dict)]
        return Reply(answers, 200, any(_refused(a) for a in answers))
    if isinstance(request, dict):
        return _single(_one(api, request))
    return _single(error(None, PARSE_ERROR, "Parse error."))  # aria2 parses only {} and []


def _single(response: dict[str, Any]) -> Reply:
    code = response["error"]["code"] if "error" in response else 0
    return Reply(response, _HTTP_STATUS.get(code, 500), _refused(response))


def _refused(response: dict[str, Any]) -> bool:
    failures = [response.get("error")]
    result = response.get("result")
    if isinstance(result, list):  # system.multicall: failures are objects among the results
        failures += [item for item in result if isinstance(item, dict)]
    return any(isinstance(f, dict) and f.get("message") == UNAUTHORIZED for f in failures)


def _one(api: Api, request: dict[str, Any]) -> dict[str, Any]:
    if "id" not in request:
        return error(None, INVALID_REQUEST, "Invalid Request.")
    call_id, method, params = request["id"], request.get("method"), request.get("params", [])
    if not isinstance(method, str):
        return error(call_id, INVALID_REQUEST, "Invalid Request.")
    if not isinstance(params, list):
        return error(call_id, INVALID_PARAMS, "Invalid params.")
    try:
        result = api.call(method, params)
    except RpcError as exc:
        return error(call_id, exc.code, str(exc))
    except Exception:  # a bug must not take the endpoint down
        log.exception("RPC %s failed", method)
        return error(call_id, 1, "Internal error")
    return {"id": call_id, "jsonrpc": "2.0", "result": result}


def decode_get(query: str) -> tuple[bytes, str | None]:
    """The JSON body and the JSONP callback of a ``GET /jsonrpc?...`` call.

    As aria2's ``json::decodeGetParams``: ``method`` and ``id`` are taken as
    they are (``id`` becomes a string), ``params`` is percent-decoded and then
    base64-decoded; with neither ``method`` nor ``id`` the params are a batch.
    A callback that is not a plain JavaScript name is dropped.
    """
    fields: dict[str, str] = {}
    for part in query.split("&"):
        name, sep, value = part.partition("=")
        if sep and name in ("method", "id", "params", "jsoncallback"):
            fields[name] = value
    callback = fields.get("jsoncallback")
    if callback is not None and not _CALLBACK.match(callback):
        callback = None
    try:
        params = base64.b64decode(unquote_to_bytes(fields.get("params", "")), validate=False)
    except (binascii.Error, ValueError):
        params = b""
    if "method" not in fields and "id" not in fields:
        return params, callback
    request: dict[str, Any] = {}
    if "method" in fields:
        request["method"] = fields["method"]
    if "id" in fields:
        request["id"] = fields["id"]
    body = json.dumps(request).encode()
    if "params" in fields:  # spliced in as text, so a bad one is a parse error as in aria2
        body = body[:-1] + (b", " if request else b"") + b'"params": ' + params + b"}"
    return body, callback
