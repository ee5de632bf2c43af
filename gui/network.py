"""The proxy the person chose, as the worker's ``set_options.proxy`` value."""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass, field
from urllib.parse import quote

from gui.urls import MASK

log = logging.getLogger(__name__)

DEFAULT_HTTP_PORT = 3128
DEFAULT_SOCKS_PORT = 1080


class ProxyMode(enum.StrEnum):
    SYSTEM = "system"  # the environment's http_proxy/https_proxy/no_proxy
    NONE = "none"
    MANUAL = "manual"


class ProxyType(enum.StrEnum):
    HTTP = "http"
    # socks5h: the proxy resolves host names, so no name is looked up here
    SOCKS5 = "socks5h"


@dataclass(frozen=True)
class ProxyChoice:
    """What the Network tab holds; ``password`` is never logged (see :meth:`masked`)."""

    mode: ProxyMode = ProxyMode.SYSTEM
    kind: ProxyType = ProxyType.HTTP
    host: str = ""
    port: int = DEFAULT_HTTP_PORT
    user: str = ""
    password: str = field(default="", repr=False)

    @property
    def complete(self) -> bool:
        """False for a manual proxy without a host (nothing to send yet)."""
        return self.mode is not ProxyMode.MANUAL or bool(self.host.strip())

    def setting(self) -> str | None:
        """``"system"``, ``"none"`` or the proxy URL; ``None`` while incomplete."""
        if self.mode is not ProxyMode.MANUAL:
            return self.mode.value
        if not self.complete:
            return None
        return self._url(quote(self.password, safe=""))

    def masked(self) -> str:
        """The setting with the password replaced, for logs and labels."""
        if self.mode is not ProxyMode.MANUAL or not self.complete:
            return self.mode.value
        return self._url(MASK if self.password else "")

    def _url(self, password: str) -> str:
        """The URL with ``password`` (already percent-encoded, or a mask) in it."""
        host = self.host.strip()
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"  # an IPv6 address
        credentials = ""
        if self.user or password:
            credentials = quote(self.user, safe="")
            if password:
                credentials += f":{password}"
            credentials += "@"
        return f"{self.kind.value}://{credentials}{host}:{self.port}"
