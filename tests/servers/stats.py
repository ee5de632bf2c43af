"""JSON shape of the fault server's ``GET /_stats``, shared by the server and the fixtures."""

from __future__ import annotations

from typing import TypedDict


class RequestRecord(TypedDict):
    """One request as the fault server saw it (control endpoints are not recorded)."""

    conn: int  # connection serial number: equal numbers mean a reused keep-alive connection
    method: str
    path: str  # request target: path and query
    range: str | None  # Range header
    if_range: str | None  # If-Range header
    cookie: str | None  # Cookie header
    authorization: str | None  # Authorization header
    user_agent: str | None  # User-Agent header
    referer: str | None  # Referer header
    time: float  # when the request head arrived (the server's monotonic clock, seconds)
    status: int
    bytes: int  # body bytes handed to the kernel so far (payload bytes, without chunk framing)


class Stats(TypedDict):
    requests: int
    bytes_sent: int  # sum of the records' bytes
    log: list[RequestRecord]
