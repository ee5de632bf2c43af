"""Table-driven tests of the engine's pure decisions: planning pieces, sharing
them out (dynamic splitting), and what a connection does after a failure."""

from __future__ import annotations

import http.client
import itertools

import pytest
import requests
import urllib3

from engine import checksums, retries, segments
from engine.http import DownloadError, network_error, status_error
from engine.protocol import ErrorCode
from engine.retries import Action
from engine.segments import Piece
from engine.settings import Settings

MiB = 1 << 20


@pytest.mark.parametrize(("size", "connections", "min_piece", "bounds"), [
    (None, 8, MiB, [(0, None)]),  # unknown size: one open-ended piece
    (0, 8, MiB, [(0, 0)]),
    (MiB - 1, 8, MiB, [(0, MiB - 1)]),  # smaller than a piece: one
    (4 * MiB, 8, MiB, [(0, MiB), (MiB, 2 * MiB), (2 * MiB, 3 * MiB), (3 * MiB, 4 * MiB)]),
    (10, 3, 1, [(0, 3), (3, 6), (6, 9), (9, 10)]),  # units left over: one-unit pieces
    (11, 3, 2, [(0, 2), (2, 4), (4, 6), (6, 8), (8, 11)]),  # bytes short of a unit: the last
    (50 * MiB, 8, MiB, [(i * 6 * MiB, (i + 1) * 6 * MiB) for i in range(8)]
     + [(48 * MiB, 49 * MiB), (49 * MiB, 50 * MiB)]),  # as aria2c -k1M cuts it
    (10, 1, 1, [(0, 10)]),
    (7, 32, 2, [(0, 2), (2, 4), (4, 7)]),  # no piece below the minimum
])
def test_plan(size: int | None, connections: int, min_piece: int,
              bounds: list[tuple[int, int | None]]) -> None:
    pieces = segments.plan(size, connections, min_piece)
    assert [(p.start, p.end) for p in pieces] == bounds
    assert all(p.done == 0 and not p.active for p in pieces)


def _pieces(*spec: tuple[int, int | None, int, bool]) -> list[Piece]:
    return [Piece(start, end, done, active) for start, end, done, active in spec]


@pytest.mark.parametrize(("before", "min_piece", "taken", "after"), [
    # an inactive unfinished piece is taken first, in order
    ([(0, 10, 0, True), (10, 20, 0, False)], 2, (10, 20), [(0, 10), (10, 20)]),
    ([(0, 10, 10, False), (10, 20, 3, False)], 2, (10, 20), [(0, 10), (10, 20)]),
    # all active: the largest remaining is halved, the back half taken
    ([(0, 10, 0, True), (10, 30, 0, True)], 2, (20, 30), [(0, 10), (10, 20), (20, 30)]),
    # halves count from the position reached, not from the start
    ([(0, 20, 10, True)], 2, (15, 20), [(0, 15), (15, 20)]),
    # both halves must keep the minimum: 3 left with min 2 cannot split
    ([(0, 10, 7, True)], 2, None, [(0, 10)]),
    ([(0, 10, 6, True)], 2, (8, 10), [(0, 8), (8, 10)]),
    # an open-ended stream is never split; finished pieces are never taken
    ([(0, None, 5, True)], 1, None, [(0, None)]),
    ([(0, 10, 10, False)], 1, None, [(0, 10)]),
])
def test_take(before: list[tuple[int, int | None, int, bool]], min_piece: int,
              taken: tuple[int, int] | None, after: list[tuple[int, int | None]]) -> None:
    pieces = _pieces(*before)
    piece = segments.take(pieces, min_piece)
    assert (None if piece is None else (piece.start, piece.end)) == taken
    assert [(p.start, p.end) for p in pieces] == after
    if piece is not None:
        assert piece.active and piece in pieces
    covered = sorted((p.start, p.end) for p in pieces)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(covered))


def _response(code: int, **headers: str) -> requests.Response:
    response = requests.Response()
    response.status_code = code
    response.reason = http.client.responses.get(code, "")
    response.headers.update(headers)
    return response


@pytest.mark.parametrize(("code", "headers", "transient", "refused", "retry_after"), [
    (500, {}, True, False, None),
    (502, {}, True, False, None),
    (503, {"Retry-After": "7"}, True, True, 7.0),
    (429, {"Retry-After": "2"}, True, True, 2.0),
    (408, {}, True, False, None),
    (404, {}, False, False, None),
    (410, {}, False, False, None),
    (401, {}, False, False, None),
    (403, {}, False, True, None),
    (400, {}, False, False, None),
])
def test_status_codes(code: int, headers: dict[str, str], transient: bool, refused: bool,
                      retry_after: float | None) -> None:
    error = status_error(_response(code, **headers))
    assert (error.transient, error.refused, error.retry_after) == (transient, refused,
                                                                     retry_after)
    assert str(code) in str(error)
    kinds = {401: ErrorCode.LOGIN, 403: ErrorCode.FORBIDDEN, 404: ErrorCode.NOT_FOUND,
             410: ErrorCode.NOT_FOUND, 400: ErrorCode.HTTP_STATUS}
    assert error.code == kinds.get(code, ErrorCode.SERVER_ERROR)


@pytest.mark.parametrize(("exc", "transient", "code"), [
    (requests.exceptions.SSLError("bad certificate"), False, ErrorCode.TLS),
    (requests.exceptions.TooManyRedirects("loop"), False, ErrorCode.REDIRECTS),
    (requests.exceptions.InvalidURL("x"), False, ErrorCode.BAD_URL),
    (requests.exceptions.ConnectTimeout("slow"), True, ErrorCode.TIMEOUT),
    (requests.exceptions.ReadTimeout("stalled"), True, ErrorCode.TIMEOUT),
    (urllib3.exceptions.ProtocolError("dropped"), True, ErrorCode.CONNECTION),
    (requests.exceptions.ChunkedEncodingError("short"), True, ErrorCode.CONNECTION),
    (requests.exceptions.ConnectionError("Connection refused"), True, ErrorCode.CONNECTION),
    (requests.exceptions.ConnectionError("Name or service not known"), True, ErrorCode.DNS),
    (ConnectionResetError(), True, ErrorCode.CONNECTION),
])
def test_network_errors(exc: BaseException, transient: bool, code: ErrorCode) -> None:
    error = network_error(exc)
    assert (error.transient, error.code) == (transient, code)


SETTINGS = Settings(max_retries=3, retry_delay=1.0, retry_delay_max=8.0)
TRANSIENT = DownloadError("dropped", code=ErrorCode.CONNECTION, transient=True)
REFUSED = DownloadError("503", code=ErrorCode.SERVER_ERROR, transient=True, refused=True)
LATER = DownloadError("429", code=ErrorCode.SERVER_ERROR, transient=True, refused=True,
                      retry_after=20.0)
PERMANENT = DownloadError("404", code=ErrorCode.NOT_FOUND, transient=False)


@pytest.mark.parametrize(("exc", "attempts", "progressed", "others", "expected"), [
    (TRANSIENT, 0, False, False, (Action.RETRY, 1, 1.0)),
    (TRANSIENT, 1, False, False, (Action.RETRY, 2, 2.0)),  # back-off doubles
    (TRANSIENT, 2, False, False, (Action.RETRY, 3, 4.0)),
    (TRANSIENT, 3, False, False, (Action.GIVE_UP, 4, 0.0)),  # max_retries in a row
    (TRANSIENT, 3, True, False, (Action.RETRY, 0, 1.0)),  # progress resets the count
    (PERMANENT, 0, False, False, (Action.FAIL, 0, 0.0)),  # never retried
    (PERMANENT, 0, False, True, (Action.FAIL, 0, 0.0)),
    (REFUSED, 1, False, True, (Action.DROP, 1, 0.0)),  # others go on without this one
    (REFUSED, 1, False, False, (Action.RETRY, 2, 2.0)),  # the only one: keep trying
    (LATER, 0, False, False, (Action.RETRY, 1, 20.0)),  # Retry-After beats the back-off
])
def test_what_a_connection_does_after_a_failure(
        exc: DownloadError, attempts: int, progressed: bool, others: bool,
        expected: tuple[Action, int, float]) -> None:
    decision = retries.after_failure(exc, attempts=attempts, progressed=progressed,
                                     others_receiving=others, settings=SETTINGS)
    assert (decision.action, decision.attempts, decision.delay) == expected


def test_giving_up_is_permanent_and_says_how_often_it_tried() -> None:
    error = retries.gave_up(4, TRANSIENT)
    assert not error.transient and error.code == ErrorCode.CONNECTION  # the last failure's
    assert "dropped" in str(error)  # and its particulars


HEX64 = "ab" * 32


@pytest.mark.parametrize(("given", "normalised"), [
    (None, None),
    ("  ", None),
    ("sidecar", "sidecar"),
    (f"sha256={HEX64}", f"sha256={HEX64}"),
    (f"SHA-256:{HEX64.upper()}", f"sha256={HEX64}"),  # aria2 and the window's spellings
    (HEX64, f"sha256={HEX64}"),  # 64 bare hex digits: SHA-256
    ("md5=" + "0" * 32, "md5=" + "0" * 32),
])
def test_checksums_accepted(given: str | None, normalised: str | None) -> None:
    assert checksums.parse_checksum(given) == normalised


@pytest.mark.parametrize(("given", "sentence"), [
    ("0" * 32, "looks like sha256="),  # bare, and not SHA-256's length
    ("sha256=xyz", "64 hex digits"),
    ("sha256=" + "0" * 63, "64 hex digits"),
    ("crc99=00", "Unknown checksum algorithm"),
])
def test_checksums_refused_with_a_sentence(given: str, sentence: str) -> None:
    with pytest.raises(ValueError) as raised:
        checksums.parse_checksum(given)
    assert sentence in str(raised.value)
