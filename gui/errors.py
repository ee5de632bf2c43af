"""What each failure means, in the person's language.

The worker names every failure with a stable code (``engine.protocol.ErrorCode``)
and adds an English sentence with the particulars (the folder, the status, the
digest).  The window shows the code's text, translated; the sentence goes in
tooltips and details, where a person reporting a problem can copy it.  A code
this window does not know (a newer worker) shows the sentence itself.
"""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from engine.protocol import ErrorCode as E

# QT_TRANSLATE_NOOP returns its text; PySide6's stubs say object.
_TEXTS = cast(dict[str, str], {
    E.NOT_FOUND: QT_TRANSLATE_NOOP("Errors", "The file is not on the server (any more)."),
    E.FORBIDDEN: QT_TRANSLATE_NOOP(
        "Errors", "The server refused access. The link may have expired: give it a new one."),
    E.LOGIN: QT_TRANSLATE_NOOP("Errors", "The server asks for a login."),
    E.HTTP_STATUS: QT_TRANSLATE_NOOP("Errors", "The server refused the request."),
    E.SERVER_ERROR: QT_TRANSLATE_NOOP("Errors", "The server has a problem (5xx, or too busy)."),
    E.TIMEOUT: QT_TRANSLATE_NOOP("Errors", "The server did not answer in time."),
    E.CONNECTION: QT_TRANSLATE_NOOP("Errors", "The connection failed or was cut."),
    E.DNS: QT_TRANSLATE_NOOP("Errors", "The server's name could not be found."),
    E.REDIRECTS: QT_TRANSLATE_NOOP("Errors", "The server redirects in a loop."),
    E.TLS: QT_TRANSLATE_NOOP(
        "Errors", "The secure connection failed (the certificate is not trusted)."),
    E.BAD_URL: QT_TRANSLATE_NOOP("Errors", "This is not a link Greenget can download."),
    E.WRONG_RANGE: QT_TRANSLATE_NOOP("Errors", "The server sent the wrong part of the file."),
    E.WEB_PAGE: QT_TRANSLATE_NOOP("Errors", "The server sent a web page instead of the file."),
    E.RANGE_REFUSED: QT_TRANSLATE_NOOP("Errors", "The server refused to send the rest."),
    E.INCOMPLETE: QT_TRANSLATE_NOOP("Errors", "The data stopped before the file was complete."),
    E.CHANGED: QT_TRANSLATE_NOOP("Errors", "The file keeps changing on the server."),
    E.OTHER_FILE: QT_TRANSLATE_NOOP(
        "Errors", "The new link is for a different file; the bytes downloaded were kept."),
    E.SIZE: QT_TRANSLATE_NOOP("Errors", "The server sent another size than it announced."),
    E.TOO_LARGE: QT_TRANSLATE_NOOP("Errors", "The file is larger than the limit set."),
    E.CHECKSUM: QT_TRANSLATE_NOOP(
        "Errors", "The file is damaged: its checksum is not the expected one."),
    E.NO_CHECKSUM: QT_TRANSLATE_NOOP("Errors", "No checksum is published next to the file."),
    E.DISK_FULL: QT_TRANSLATE_NOOP("Errors", "The disk is full."),
    E.PERMISSION: QT_TRANSLATE_NOOP("Errors", "Greenget may not write in the folder."),
    E.MISSING: QT_TRANSLATE_NOOP(
        "Errors", "The folder or the partial file was deleted; Retry starts again."),
    E.DISK: QT_TRANSLATE_NOOP("Errors", "The file could not be written."),
    E.NAME: QT_TRANSLATE_NOOP("Errors", "No free file name is left in the folder."),
    E.INTERNAL: QT_TRANSLATE_NOOP("Errors", "Greenget hit an internal error."),
    E.BAD_PLAYLIST: QT_TRANSLATE_NOOP("Errors", "The video playlist cannot be used."),
    E.LIVE_STREAM: QT_TRANSLATE_NOOP(
        "Errors", "This is a live stream; only streams that end can be downloaded."),
    E.NO_MEDIA: QT_TRANSLATE_NOOP("Errors", "No video or audio was found on this page."),
    E.NO_FFMPEG: QT_TRANSLATE_NOOP(
        "Errors", "The video and the audio are separate; joining them needs ffmpeg."),
    E.BAD_LINE: QT_TRANSLATE_NOOP("Errors", "The download engine could not read a request."),
    E.UNKNOWN_COMMAND: QT_TRANSLATE_NOOP(
        "Errors", "The download engine does not know this request."),
    E.UNKNOWN_ID: QT_TRANSLATE_NOOP("Errors", "That download is no longer in the list."),
    E.BAD_OPTION: QT_TRANSLATE_NOOP("Errors", "A setting is out of its range."),
    E.BAD_FOLDER: QT_TRANSLATE_NOOP("Errors", "The download folder cannot be used."),
    E.BAD_CHECKSUM: QT_TRANSLATE_NOOP("Errors", "The checksum is not valid."),
    E.BAD_PROXY: QT_TRANSLATE_NOOP("Errors", "The proxy address is not valid."),
    E.ALREADY_COMPLETE: QT_TRANSLATE_NOOP("Errors", "That download is already complete."),
    E.BAD_NAME: QT_TRANSLATE_NOOP(
        "Errors", "That cannot be a file name: no / \\ : * ? \" < > | ~, not empty, no dot or "
        "space at either end."),
    E.NAME_TAKEN: QT_TRANSLATE_NOOP(
        "Errors", "A file of that name is already in the folder; nothing was overwritten."),
    E.PORT: QT_TRANSLATE_NOOP("Errors", "The browser connection cannot listen on that port."),
    E.BAD_CATEGORY: QT_TRANSLATE_NOOP("Errors", "There is no such category, or its lists "
                                      "cannot be used."),
    E.MOVE: QT_TRANSLATE_NOOP(
        "Errors", "The file could not be moved to that category; it stays where it was."),
    E.BAD_SCHEDULE: QT_TRANSLATE_NOOP("Errors", "The schedule has a day or a time out of range."),
    E.POWER: QT_TRANSLATE_NOOP(
        "Errors", "The computer could not be put to sleep or shut down (see the details)."),
    E.ALREADY_RUNNING: QT_TRANSLATE_NOOP(
        "Errors", "Another Greenget is already running with the same download list."),
    E.STATE_FOLDER: QT_TRANSLATE_NOOP(
        "Errors", "Greenget cannot use its settings folder (see the details)."),
    E.STORE_UNREADABLE: QT_TRANSLATE_NOOP(
        "Errors", "The download list could not be read. It was kept aside; Greenget starts "
        "with an empty list."),
    E.STORE_TOO_NEW: QT_TRANSLATE_NOOP(
        "Errors", "The download list was written by a newer Greenget. It was kept aside; "
        "Greenget starts with an empty list."),
})


def error_text(code: str, detail: str = "") -> str:
    """The failure ``code`` in the person's language; ``detail`` (the worker's
    English sentence) when the code is empty or unknown to this window."""
    text = _TEXTS.get(code)
    if text is None:
        return detail
    return QCoreApplication.translate("Errors", text)


def explained(code: str, detail: str) -> str:
    """:func:`error_text` with the worker's particulars under it (for tooltips
    and details): the reason in the person's language, then what to quote in
    a bug report."""
    text = error_text(code, detail)
    return f"{text}\n{detail}" if detail and detail != text else text
