"""HLS playlists: what to fetch, in which order, and how to decrypt it (pure, no I/O).

Parsing is the ``m3u8`` package's (a well-kept parser of every tag); this
module turns its model into the decisions the download makes: which variant of
a master playlist (highest ``BANDWIDTH``, then the larger resolution), the
list of fragments with their byte ranges, the initialisation sections
(``EXT-X-MAP``, fetched once each time it changes) and the AES-128 key and IV
of each (an explicit ``IV``, else the media sequence number as a 16-byte
big-endian integer, RFC 8216 §5.2).  A live playlist (no ``EXT-X-ENDLIST``)
is refused: it has no end to download to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from engine.http import DownloadError
from engine.protocol import ErrorCode

if TYPE_CHECKING:
    import m3u8  # type: ignore[import-untyped]

# m3u8 and cryptography are imported where a playlist is parsed or a fragment
# decrypted: every download asks is_playlist_url(), few are streams, and the two
# packages (cryptography's OpenSSL bindings above all) added 8.5 MiB to the idle
# worker's RSS, which the 100-download memory goal counts (issue 14).

CONTENT_TYPES = ("application/vnd.apple.mpegurl", "application/x-mpegurl", "audio/mpegurl",
                 "audio/x-mpegurl")
_EXTENSIONS = (".m3u8", ".m3u")
_BYTERANGE = re.compile(r"^\s*(\d+)(?:@(\d+))?\s*$")


@dataclass(frozen=True)
class Key:
    """An AES-128 key: where to fetch it and the IV for one fragment."""

    url: str
    iv: bytes


@dataclass(frozen=True)
class Fragment:
    """One request of the stream, in order: a media segment or an init section."""

    url: str
    start: int | None = None  # a byte range [start, end) of url, or the whole resource
    end: int | None = None
    key: Key | None = None
    init: bool = False  # an EXT-X-MAP initialisation section


def suffix(fragments: list[Fragment]) -> str:
    """The file type the fragments make: fragmented MP4 when they start with an
    init section (EXT-X-MAP), else an MPEG transport stream."""
    return ".mp4" if fragments and fragments[0].init else ".ts"


def is_playlist_url(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(_EXTENSIONS)


def is_playlist_type(content_type: str | None) -> bool:
    return (content_type or "").split(";")[0].strip().lower() in CONTENT_TYPES


def bad_playlist(reason: str) -> DownloadError:
    return DownloadError(f"The HLS playlist cannot be used: {reason}.",
                         code=ErrorCode.BAD_PLAYLIST, transient=False)


def best_variant(text: str, url: str) -> str | None:
    """The URL of the best variant if ``text`` is a master playlist, else None."""
    import m3u8  # type: ignore[import-untyped]

    playlist = m3u8.loads(text, uri=url)
    if not playlist.is_variant:
        return None
    if not playlist.playlists:
        raise bad_playlist("the master playlist lists no stream")

    def rank(variant: m3u8.Playlist) -> tuple[int, int]:
        info = variant.stream_info
        width, height = info.resolution or (0, 0)
        return (info.bandwidth or 0, width * height)

    return str(max(playlist.playlists, key=rank).absolute_uri)


def fragments(text: str, url: str) -> list[Fragment]:
    """The requests of a media playlist, in order (init sections included)."""
    if not text.lstrip("\ufeff").startswith("#EXTM3U"):
        raise bad_playlist("it does not start with #EXTM3U")
    import m3u8  # type: ignore[import-untyped]

    playlist = m3u8.loads(text, uri=url)
    if playlist.is_variant:
        raise bad_playlist("a master playlist where a media playlist was expected")
    if not playlist.is_endlist:
        raise DownloadError("This is a live stream (its playlist has no end); Greenget "
                            "downloads finished streams (video on demand) only.",
                            code=ErrorCode.LIVE_STREAM, transient=False)
    if not playlist.segments:
        raise bad_playlist("it lists no fragment")
    result: list[Fragment] = []
    sequence = playlist.media_sequence or 0
    next_offset: dict[str, int] = {}  # a BYTERANGE without @offset follows the previous one
    last_map: tuple[str, int | None, int | None] | None = None
    for number, segment in enumerate(playlist.segments, start=sequence):
        key = _key(segment.key, number)
        init = segment.init_section
        if init is not None:
            init_url = str(init.absolute_uri)
            start, end = _range(init.byterange, init_url, {})
            if (init_url, start, end) != last_map:
                last_map = (init_url, start, end)
                result.append(Fragment(init_url, start, end, key, init=True))
        fragment_url = str(segment.absolute_uri)
        start, end = _range(segment.byterange, fragment_url, next_offset)
        result.append(Fragment(fragment_url, start, end, key))
    return result


def _range(value: str | None, url: str, next_offset: dict[str, int]) -> tuple[int | None,
                                                                             int | None]:
    if not value:
        return None, None
    match = _BYTERANGE.match(value)
    if match is None:
        raise bad_playlist(f"the byte range {value!r} is not length[@offset]")
    length = int(match.group(1))
    if match.group(2) is not None:
        start = int(match.group(2))
    elif url in next_offset:
        start = next_offset[url]
    else:
        raise bad_playlist("a byte range without an offset does not follow another")
    next_offset[url] = start + length
    return start, start + length


def _key(key: m3u8.Key | None, sequence: int) -> Key | None:
    if key is None or key.method in (None, "NONE"):
        return None
    if key.method != "AES-128":
        raise bad_playlist(f"the encryption {key.method} is not supported (AES-128 is)")
    if not key.uri:
        raise bad_playlist("an AES-128 key has no URI")
    if key.iv:
        digits = key.iv[2:] if key.iv.lower().startswith("0x") else key.iv
        try:
            iv = bytes.fromhex(digits.rjust(32, "0"))
        except ValueError:
            raise bad_playlist(f"the IV {key.iv!r} is not hexadecimal") from None
        if len(iv) != 16:
            raise bad_playlist(f"the IV {key.iv!r} is not 16 bytes")
    else:
        iv = sequence.to_bytes(16, "big")
    return Key(str(key.absolute_uri), iv)


def decrypt(data: bytes, key: bytes, iv: bytes) -> bytes:
    """AES-128-CBC with PKCS#7 padding, as RFC 8216 §4.3.2.4 says."""
    if len(key) != 16:
        raise DownloadError(f"The stream's AES-128 key is {len(key)} bytes, not 16.",
                            code=ErrorCode.BAD_PLAYLIST, transient=False)
    if not data or len(data) % 16:
        raise DownloadError("An encrypted fragment is not a whole number of AES blocks; "
                            "trying again.", code=ErrorCode.INCOMPLETE, transient=True)
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    plain = decryptor.update(data) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(plain) + unpadder.finalize()
    except ValueError:
        raise DownloadError("An encrypted fragment does not decrypt with its key.",
                            code=ErrorCode.BAD_PLAYLIST, transient=False) from None
