"""The name a download gets: what a browser would call it.

Greenget names a file as Chromium does (``net::GenerateFileName`` and
``net::HttpContentDisposition``), and as Firefox does where Chromium finds no
name at all.  Servers are tested against browsers, so the browser's name is the
name a user expects.  The cases, in the order they are tried:

1. ``Content-Disposition`` (see :func:`disposition_filename`):

   * The disposition type is optional: ``filename=foo.html`` alone, or
     ``; filename=foo.html``, still names the file.  A first element that is
     not a token (``x=y; filename=foo.html``) is read as a parameter.
   * Parameters are split on ``;`` outside double quotes.  Empty elements
     (``attachment; ;filename=foo``) are skipped; an element with no ``=``, an
     empty value, or a quote in the parameter's name ends the parsing (what came
     before still counts): ``inline; attachment; filename=foo.html`` has no name.
   * ``filename*`` wins over ``filename`` wherever each appears.  Of repeated
     parameters the first one that decodes to a name wins.
   * ``filename*`` is RFC 5987/8187 ``charset'lang'pct-encoded``: the charset
     is required, the value must be ASCII and unquoted, ``%XX`` is decoded and
     the bytes are read in the charset (ISO-8859-1 as windows-1252, as browsers
     do), then NFC-normalised.  Anything else makes it invalid (ignored).
   * ``filename`` is a token or a quoted string (``\\x`` unquotes to ``x``).  A
     missing closing quote is forgiven (``filename="bar`` is ``bar``); text after
     the closing quote is kept (``"foo.html".txt`` is ``foo.html".txt``).  The
     value is read word by word (split at white space, each run of white space
     becomes spaces, none after an encoded word):

     - a word with non-ASCII bytes is UTF-8 when it is valid UTF-8, else
       windows-1252 (Chromium uses the page's or the system's code page there;
       Firefox its default charset, windows-1252 in Western locales);
     - an RFC 2047 encoded word ``=?charset?Q|B?text?=`` is decoded; a broken
       one (bad hex, bad base64, unknown charset, missing ``?=``, two words
       with no space between) makes the whole value invalid;
     - any other word is percent-decoded (``foo%20bar.pdf`` is ``foo bar.pdf``),
       and must then be valid UTF-8, or the whole value is invalid.

   * Only when neither gives a name: RFC 2231 continuations, as Firefox reads
     them (Chromium ignores them): ``filename*0``, ``filename*1*`` … joined in
     order up to the first gap, ``*`` parts percent-decoded in the charset named
     by the first part (UTF-8 when none), the first of duplicated indexes kept,
     indexes with leading zeros or non-digits ignored.

2. Else the last segment of the final URL's path (after redirects, without
   ``;params``), percent-decoded: UTF-8 when valid, else windows-1252.
3. Else ``download``.

An invalid header never gives a garbled name: it gives none, and the next
source is used.  Then the name is made safe (:func:`engine.filenames.sanitize`),
and a name that comes from the URL or the fallback gets an extension from
``Content-Type`` when it has none, or when the URL has a query (a generator
such as ``get.php?id=3``) and its extension is not one of the type's:
``application/pdf`` adds ``.pdf``.  A name from the header is never given an
extension (Chromium no longer does).
"""

from __future__ import annotations

import base64
import binascii
import codecs
import encodings.aliases
import logging
import mimetypes
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from engine.filenames import FALLBACK_NAME, sanitize

log = logging.getLogger(__name__)

_LWS = " \t"
_WHITESPACE = " \t\r\n"
_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_PERCENT = re.compile(rb"%([0-9A-Fa-f]{2})")
_CONTINUATION = re.compile(r"^filename\*(0|[1-9][0-9]{0,3})(\*?)$", re.IGNORECASE)
_CONTINUATION_LIMIT = 1000

# Charsets named in headers that browsers read as another (the WHATWG Encoding
# Standard's mapping, which Chromium's converters follow).
_BROWSER_CHARSETS = {
    "iso8859_1": "cp1252",
    "ascii": "cp1252",
    "euc_kr": "cp949",
    "gb2312": "gbk",
    "iso8859_9": "cp1254",
    "iso8859_11": "cp874",
}
# Python codecs that are no charsets a server could mean.
_NOT_CHARSETS = frozenset({"unicode_escape", "raw_unicode_escape", "punycode", "idna",
                           "undefined", "mbcs", "oem", "charmap"})
_ALIASES = {re.sub(r"[^0-9a-z]", "", alias): codec
            for alias, codec in encodings.aliases.aliases.items()}

# Where Python's mimetypes (and the system's mime.types it reads) disagree with
# the browsers: types with no extension of their own, and preferred extensions.
_NO_EXTENSION = frozenset({"application/octet-stream", "binary/octet-stream",
                           "application/unknown", "application/x-download",
                           "application/force-download", "application/binary"})
_PREFERRED_EXTENSION = {
    "text/plain": ".txt",
    "text/html": ".html",
    "image/jpeg": ".jpg",
    "image/svg+xml": ".svg",
    "audio/mpeg": ".mp3",
    "video/mp4": ".mp4",
    "video/x-msvideo": ".avi",
    "application/gzip": ".gz",
    "application/x-gzip": ".gz",
    "application/x-tar": ".tar",
    "application/zip": ".zip",
    "application/x-chrome-extension": ".crx",
    "application/x-sh": ".sh",
    "application/xml": ".xml",
    "text/xml": ".xml",
}
_MORE_EXTENSIONS = {
    "application/gzip": (".tgz",),
    "application/x-gzip": (".tgz",),
    "application/x-tar": (".tgz",),
    "text/plain": (".text", ".log", ".ini", ".conf"),
}


# ---------------------------------------------------------------- charsets


def _codec(charset: str) -> str | None:
    """The Python codec a header's charset label means, read the way browsers
    read it; ``None`` for an unknown label."""
    name = charset.strip()
    if not name or len(name) > 40:
        return None
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):  # ValueError: a NUL in the label
        alias = _ALIASES.get(re.sub(r"[^0-9a-z]", "", name.lower()))
        if alias is None:
            return None
        info = codecs.lookup(alias)
    codec = info.name.replace("-", "_")
    if codec in _NOT_CHARSETS or not getattr(info, "_is_text_encoding", True):
        return None
    return _BROWSER_CHARSETS.get(codec, codec)


def _decode(data: bytes, charset: str) -> str | None:
    """``data`` in ``charset``; ``None`` when the label is unknown or the bytes
    are not valid in it."""
    codec = _codec(charset)
    if codec is None:
        return None
    try:
        if codec == "cp1252":  # WHATWG windows-1252 maps its five holes to C1
            return data.decode("latin-1").translate(_CP1252_TABLE)
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


_CP1252_TABLE = {
    i: bytes([i]).decode("cp1252")
    for i in range(0x80, 0xA0)
    if i not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}


def _legacy(data: bytes) -> str:
    """Bytes that are not UTF-8, read as windows-1252 (never fails)."""
    return data.decode("latin-1").translate(_CP1252_TABLE)


def _utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _unescape(text: str) -> bytes:
    """``%XX`` decoded to bytes; malformed escapes are left as they are."""
    return _PERCENT.sub(lambda m: bytes([int(m.group(1), 16)]), text.encode("latin-1"))


# ---------------------------------------------------------------- the header


@dataclass(frozen=True)
class _Param:
    name: str  # as sent, trimmed
    value: str  # unquoted when it was a complete quoted string
    raw: str  # as sent, trimmed


def _split(header: str) -> Iterator[str]:
    """``header`` split at ``;`` outside double quotes (``\\`` escapes inside)."""
    start, quoted, escaped = 0, False, False
    for i, char in enumerate(header):
        if quoted:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == ";":
            yield header[start:i]
            start = i + 1
    yield header[start:]


def _unquote(value: str) -> str:
    out, escaped = [], False
    for char in value[1:-1]:
        if char == "\\" and not escaped:
            escaped = True
            continue
        escaped = False
        out.append(char)
    return "".join(out)


def _params(header: str) -> Iterator[_Param]:
    """The parameters in order, until the first malformed one."""
    first, _, _ = header.partition(";")
    kind = first.strip(_LWS)
    rest = header[len(first):] if kind and _TOKEN.match(kind) else header
    for element in _split(rest):
        if not element.strip(_LWS):
            continue
        name, equals, value = element.partition("=")
        name, value = name.strip(_LWS), value.strip(_LWS)
        if not equals or not name or '"' in name or not value:
            return
        if value[0] == '"':
            if len(value) == 1 or value[-1] != '"':
                yield _Param(name, value[1:], value)  # a missing closing quote is forgiven
            else:
                yield _Param(name, _unquote(value), value)
        else:
            yield _Param(name, value, value)


def _decode_encoded_word(word: str) -> tuple[bool, str | None]:
    """(is an RFC 2047 word, its text or ``None`` when broken)."""
    parts = [p for p in word.split("?") if p]
    if not parts:
        return True, None
    if parts[0] != "=":
        return False, None
    charset, kind, text = "", "Q", ""
    for index, part in enumerate(parts[1:], start=1):
        if index == 1:
            charset = part
        elif index == 2:
            if len(part) != 1 or part not in "bBqQ":
                return False, None  # not an encoded word after all
            kind = part.upper()
        elif index == 3:
            data = _b_decode(part) if kind == "B" else _q_decode(part)
            if data is None:
                return True, None
            decoded = "" if not data else _decode(data, charset)
            if decoded is None:
                return True, None
            text = decoded
        elif index > 4 or part != "=":
            return True, None  # two words in a row, or text after the word
    return True, (text if word.endswith("=") else None)


def _b_decode(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def _q_decode(text: str) -> bytes | None:
    out = bytearray()
    i = 0
    while i < len(text):
        char = text[i]
        if char == "_":
            out.append(0x20)
        elif char == "=":
            pair = text[i + 1:i + 3]
            if len(pair) != 2 or not all(c in "0123456789abcdefABCDEF" for c in pair):
                return None
            out.append(int(pair, 16))
            i += 2
        elif " " < char < "\x7f" and char != "?":
            out.append(ord(char))
        else:
            return None
        i += 1
    return bytes(out)


def _decode_word(word: str) -> tuple[bool, str | None]:
    """(was an encoded word, the word's text or ``None`` when invalid)."""
    if any(ord(c) > 0x7F for c in word):
        data = word.encode("latin-1")
        return False, _utf8(data) or _legacy(data)
    encoded, text = _decode_encoded_word(word)
    if encoded:
        return True, text
    return False, _utf8(_unescape(word))


def _decode_filename(value: str) -> str | None:
    """A plain ``filename`` value: words, encoded words, percent-escapes, raw bytes."""
    out: list[str] = []
    after_encoded = True
    for piece in re.split(r"([ \t\r\n])", value):
        if not piece:
            continue
        if piece in _WHITESPACE:
            if not after_encoded:
                out.append(" ")
            continue
        after_encoded, text = _decode_word(piece)
        if text is None:
            return None
        out.append(text)
    return "".join(out)


def _decode_ext_value(raw: str) -> str | None:
    """An RFC 5987 ``filename*`` value, or ``None`` when it is not valid."""
    if '"' in raw:
        return None
    pieces = raw.split("'")
    if len(pieces) != 3 or not pieces[0] or not pieces[2]:
        return None
    charset, _, value = pieces
    if any(ord(c) > 0x7F for c in value):
        return None
    text = _decode(_unescape(value), charset)
    return unicodedata.normalize("NFC", text) if text else None


def _continuations(params: list[_Param]) -> str | None:
    """RFC 2231 ``filename*0``/``filename*1*`` … joined (Firefox's reading)."""
    parts: dict[int, _Param] = {}
    encoded: dict[int, bool] = {}
    for param in params:
        match = _CONTINUATION.match(param.name)
        if match is None:
            continue
        index = int(match.group(1))
        if index < _CONTINUATION_LIMIT and index not in parts:
            parts[index] = param
            encoded[index] = bool(match.group(2))
    charset = "utf-8"
    data = bytearray()
    index = 0
    while index in parts:
        value = parts[index].value
        if encoded[index]:
            if index == 0:
                label, quote, rest = value.partition("'")
                if quote:
                    _, _, value = rest.partition("'")
                    charset = label or charset
            data += _unescape(value)
        else:
            data += value.encode("latin-1", errors="replace")
        index += 1
    if not data:
        return None
    text = _decode(bytes(data), charset)
    return unicodedata.normalize("NFC", text) if text else None


def disposition_filename(header: str | bytes | None) -> str | None:
    """The file name a ``Content-Disposition`` value gives, before it is made
    safe; ``None`` when it gives none (or only an invalid one).

    ``header`` is the raw bytes, or the value as http.client hands it over
    (its bytes decoded as latin-1, which this undoes)."""
    if not header:
        return None
    if isinstance(header, bytes):
        text = header.decode("latin-1")
    else:
        try:
            header.encode("latin-1")
            text = header
        except UnicodeEncodeError:  # already real text: work on its UTF-8 bytes
            text = header.encode("utf-8").decode("latin-1")
    text = re.sub(r"\r?\n(?=[ \t])", "", text)  # obs-fold: the line break goes
    params = list(_params(text))
    for param in params:
        if param.name.lower() == "filename*":
            name = _decode_ext_value(param.raw)
            if name:
                return name
    for param in params:
        if param.name.lower() == "filename":
            name = _decode_filename(param.value)
            if name:
                return name
    return _continuations(params)


# ---------------------------------------------------------------- the URL


def url_filename(url: str) -> str | None:
    """The last segment of ``url``'s path, percent-decoded; ``None`` if empty."""
    segment = urlsplit(url).path.rsplit("/", 1)[-1].split(";", 1)[0]
    if not segment:
        return None
    data = _unescape(segment.encode("utf-8").decode("latin-1"))
    return _utf8(data) or _legacy(data)


# ---------------------------------------------------------------- Content-Type


def _mime_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def extensions_for(content_type: str | None) -> tuple[str, ...]:
    """Every extension (``.pdf``) files of this type have; preferred first."""
    mime = _mime_type(content_type)
    if not mime or mime in _NO_EXTENSION:
        return ()
    found = list(mimetypes.guess_all_extensions(mime, strict=False))
    preferred = _PREFERRED_EXTENSION.get(mime)
    if preferred is None and found:
        preferred = mimetypes.guess_extension(mime, strict=False) or found[0]
    ordered = ([preferred] if preferred else []) + found + list(_MORE_EXTENSIONS.get(mime, ()))
    return tuple(dict.fromkeys(ext for ext in ordered if ext))


def with_extension(name: str, content_type: str | None, *, replace: bool = False) -> str:
    """``name`` with the extension ``content_type`` calls for, when it has none
    (or, with ``replace``, when its own is not one of the type's)."""
    known = extensions_for(content_type)
    if not known:
        return name
    stem, dot, _ = name.rpartition(".")
    if dot and stem:
        if not replace:
            return name
        lowered = name.lower()
        if any(lowered.endswith(candidate) for candidate in known):
            return name
        return f"{stem}{known[0]}"
    return f"{name}{known[0]}"


# ---------------------------------------------------------------- all together


def suggested_name(content_disposition: str | bytes | None, url: str,
                   content_type: str | None = None) -> str:
    """The safe file name a browser would save this response under (before
    making it unique in the folder)."""
    from_header = disposition_filename(content_disposition)
    if from_header:
        return sanitize(from_header)
    from_url = url_filename(url)
    if from_url:
        safe = sanitize(from_url)
        if safe != FALLBACK_NAME or from_url == FALLBACK_NAME:
            generator = bool(urlsplit(url).query)
            return sanitize(with_extension(safe, content_type, replace=generator))
    return sanitize(with_extension(FALLBACK_NAME, content_type))
