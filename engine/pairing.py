"""One-click pairing of Greenget's browser extension with the JSON-RPC endpoint.

Nobody types a token.  The window makes a *pairing link*
``http://127.0.0.1:<port>/pair?code=<nonce>.<expires>.<mac>`` (the MAC is an
HMAC of the nonce and expiry time keyed with the RPC secret, so the worker
checks it without any shared state) and opens it in the browser.  The page the
endpoint serves there holds no secret; the extension's content script sees the
code in the address and asks, from the extension's own origin,
``POST /pair {"code": ...}``: only then does the endpoint answer the secret.

Why a web page cannot steal it: a page cannot send a ``chrome-extension://`` or
``moz-extension://`` ``Origin`` (browsers set it), so ``POST /pair`` refuses it
even when the user allowed that page's origin for JSON-RPC; each code works
once and for :data:`CODE_LIFETIME` seconds only.  A local program that can fake
an ``Origin`` can read the secret file anyway.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from engine.origins import origin_allowed

PAIR_PATH = "/pair"
CODE_LIFETIME = 600  # seconds a pairing link stays valid
_MAC_CHARS = 22  # 132 bits of the HMAC-SHA256, base64url
_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Greenget: pair a browser</title>
<style>body{font:16px system-ui,sans-serif;max-width:36em;margin:4em auto;color:#1b3d1b}
h1{color:#2e7d32;font-size:1.4em}</style></head>
<body><h1>Greenget</h1>
<p id="greenget-pairing" data-state="waiting">Waiting for Greenget's browser extension&hellip;</p>
<p id="greenget-help">If this line stays, the extension is not installed in this browser:
add it (see Greenget's README), then open the pairing link from Greenget's settings again.</p>
</body></html>
"""
_PAGE_HEADERS = (("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'"),
                 ("X-Frame-Options", "DENY"), ("Referrer-Policy", "no-referrer"),
                 ("Cache-Control", "no-store"))


@dataclass(frozen=True)
class PairAnswer:
    """What the endpoint sends back for a request to :data:`PAIR_PATH`."""

    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


def _mac(secret: str, nonce: str, expires: int) -> str:
    digest = hmac.new(secret.encode(), f"greenget-pair:{nonce}:{expires}".encode(),
                      hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:_MAC_CHARS]


def pairing_code(secret: str, now: float | None = None) -> str:
    """A fresh one-time code, valid for :data:`CODE_LIFETIME` seconds."""
    nonce = secrets.token_urlsafe(9)
    expires = int((time.time() if now is None else now) + CODE_LIFETIME)
    return f"{nonce}.{expires}.{_mac(secret, nonce, expires)}"


def pairing_link(port: int, secret: str) -> str:
    """The link the window opens in the browser (and shows, to copy)."""
    return f"http://127.0.0.1:{port}{PAIR_PATH}?code={pairing_code(secret)}"


def is_extension_origin(origin: str | None) -> bool:
    """A browser extension's own origin (with no user-listed page counted)."""
    return origin is not None and origin_allowed(origin)


def _json(status: int, value: object, origin: str | None) -> PairAnswer:
    cors = (("Access-Control-Allow-Origin", origin), ("Vary", "Origin"),
            ("Cache-Control", "no-store")) if origin else (("Cache-Control", "no-store"),)
    return PairAnswer(status, "application/json", json.dumps(value).encode(), cors)


class Pairing:
    """Checks pairing codes against the current secret; each works once."""

    def __init__(self, secret: Callable[[], str]) -> None:
        self._secret = secret
        self._used: dict[str, int] = {}  # nonce -> expiry, forgotten once expired

    def redeem(self, code: str, now: float | None = None) -> str | None:
        """Why ``code`` cannot pair (a sentence), or ``None`` when it is good
        (it is then spent)."""
        now = time.time() if now is None else now
        nonce, _, rest = code.partition(".")
        expires_text, _, mac = rest.partition(".")
        if not (nonce and mac and expires_text.isdigit()):
            return "This is not a pairing code from Greenget."
        expires = int(expires_text)
        if not hmac.compare_digest(mac.encode(), _mac(self._secret(), nonce, expires).encode()):
            return "This pairing code is not Greenget's current one: make a new link in Settings."
        if expires < now:
            return "This pairing link has expired: make a new one in Greenget's Settings."
        self._used = {n: e for n, e in self._used.items() if e >= now}
        if nonce in self._used:
            return "This pairing link was used already: make a new one in Greenget's Settings."
        self._used[nonce] = expires
        return None

    def answer(self, method: str, origin: str | None, body: bytes) -> PairAnswer:
        """The answer to ``method`` on :data:`PAIR_PATH` from ``origin``."""
        if method in ("GET", "HEAD"):
            return PairAnswer(200, "text/html; charset=utf-8", _PAGE.encode(), _PAGE_HEADERS)
        if not is_extension_origin(origin):
            return _json(403, {"error": "Only Greenget's browser extension may pair."}, None)
        if method == "OPTIONS":
            return PairAnswer(204, "text/plain", b"", (
                ("Access-Control-Allow-Origin", str(origin)),
                ("Access-Control-Allow-Methods", "POST"),
                ("Access-Control-Allow-Headers", "Content-Type")))
        if method != "POST":
            return _json(405, {"error": "Pair with POST."}, origin)
        try:
            code = json.loads(body).get("code")
        except (ValueError, UnicodeDecodeError, AttributeError):
            code = None
        if not isinstance(code, str):
            return _json(400, {"error": 'Send {"code": "<the pairing code>"}.'}, origin)
        problem = self.redeem(code)
        if problem is not None:
            return _json(403, {"error": problem}, origin)
        return _json(200, {"secret": self._secret()}, origin)
