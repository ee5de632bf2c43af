"""Categories: which folder a download is sorted into, by its file type.

The one home of the policy, shared by the worker (which sorts and moves files)
and the window (its sidebar guesses the category of a row whose server has not
answered yet).  Standard library only.

* Seven categories, each with a folder under the download folder: Video,
  Music, Documents, Archives, Programs, Images and Other.  The folder names
  stay English whatever the window's language, so a folder keeps its name when
  the language changes (IDM and FDM do the same).
* A download's category is decided once, when its final name and type are
  known (after the server's ``Content-Disposition`` and ``Content-Type``):
  the name's extension first (``.zip`` served as ``application/octet-stream``
  is an archive), then the type (``video/*``), else Other.  A category listed
  earlier wins when a person puts one extension in two lists.
* The lists are editable: :class:`~engine.protocol.CategoryRule` holds a
  category's extensions (without the dot, lower case) and MIME types (``*``
  matches any run of characters: ``video/*``).  :func:`parse_extensions` and
  :func:`parse_mime_types` read what a person typed, or say why not.
* With dated folders, a download goes into a subfolder named after the month
  it was added (``Video/2026-12``); a move keeps that month.
"""

from __future__ import annotations

import enum
import fnmatch
import os
import re
import time
from collections.abc import Iterable

from engine.protocol import CategoryRule


class Category(enum.StrEnum):
    VIDEO = "video"
    MUSIC = "music"
    DOCUMENTS = "documents"
    ARCHIVES = "archives"
    PROGRAMS = "programs"
    IMAGES = "images"
    OTHER = "other"


FOLDERS: dict[Category, str] = {
    Category.VIDEO: "Video",
    Category.MUSIC: "Music",
    Category.DOCUMENTS: "Documents",
    Category.ARCHIVES: "Archives",
    Category.PROGRAMS: "Programs",
    Category.IMAGES: "Images",
    Category.OTHER: "Other",
}


def _rule(category: Category, extensions: str, mime_types: str) -> CategoryRule:
    return CategoryRule(category.value, tuple(extensions.split()), tuple(mime_types.split()))


DEFAULT_RULES: tuple[CategoryRule, ...] = (
    _rule(Category.VIDEO,
          "3g2 3gp asf avi flv m2ts m4v mkv mov mp4 mpeg mpg ogv rm rmvb ts vob webm wmv",
          "video/* application/vnd.apple.mpegurl application/x-mpegurl"),
    _rule(Category.MUSIC,
          "aac aif aiff ape flac m4a mid midi mka mp3 oga ogg opus wav wma",
          "audio/*"),
    _rule(Category.DOCUMENTS,
          "csv doc docx epub md odp ods odt pdf ppt pptx rtf tex txt xls xlsx",
          "application/pdf application/msword application/rtf application/epub+zip "
          "application/vnd.ms-* application/vnd.openxmlformats-officedocument.* "
          "application/vnd.oasis.opendocument.* text/plain text/csv text/markdown"),
    _rule(Category.ARCHIVES,
          "7z arj bz2 cab gz iso lz lzma rar tar tbz2 tgz txz xz z zip zst",
          "application/zip application/x-zip-compressed application/x-7z-compressed "
          "application/vnd.rar application/x-rar-compressed application/x-tar "
          "application/gzip application/x-gzip application/x-bzip2 application/x-xz "
          "application/zstd application/x-iso9660-image"),
    _rule(Category.PROGRAMS,
          "apk appimage deb dmg exe flatpak jar msi msix pkg rpm run snap",
          "application/x-msdownload application/x-msi application/x-ms-installer "
          "application/vnd.microsoft.portable-executable application/x-executable "
          "application/vnd.debian.binary-package application/x-rpm "
          "application/vnd.android.package-archive application/x-apple-diskimage "
          "application/java-archive"),
    _rule(Category.IMAGES,
          "avif bmp gif heic ico jpeg jpg png psd svg tif tiff webp",
          "image/*"),
)

_EXTENSION = re.compile(r"^[0-9a-z][0-9a-z+_-]{0,15}$")
_MIME = re.compile(r"^[0-9a-z*][0-9a-z.+*_-]*/[0-9a-z*][0-9a-z.+*_-]*$")
_SEPARATORS = re.compile(r"[\s,;]+")
_MONTH = re.compile(r"^\d{4}-\d{2}$")


def extension_of(name: str) -> str:
    """The extension of a file name, lower case, without the dot ('' if none)."""
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem else ""


def classify(name: str, content_type: str | None = None,
             rules: Iterable[CategoryRule] = DEFAULT_RULES) -> Category:
    """The category of a file called ``name`` served as ``content_type``."""
    rules = tuple(rules)
    extension = extension_of(name)
    if extension:
        for rule in rules:
            if extension in rule.extensions:
                return Category(rule.category)
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if mime:
        for rule in rules:
            if any(fnmatch.fnmatchcase(mime, pattern) for pattern in rule.mime_types):
                return Category(rule.category)
    return Category.OTHER


def folder(root: str, category: Category | str, *, dated: bool, added: float) -> str:
    """The folder a download of ``category`` goes into under ``root``; with
    ``dated``, the month it was ``added`` (a Unix time, local calendar) below."""
    path = os.path.join(root, FOLDERS[Category(category)])
    if dated:
        path = os.path.join(path, time.strftime("%Y-%m", time.localtime(added)))
    return path


def root_of(directory: str, category: Category | str) -> str | None:
    """The download folder that ``directory`` is ``category``'s folder (or a
    dated subfolder of it) under; ``None`` when it is neither."""
    name = FOLDERS[Category(category)]
    head, tail = os.path.split(os.path.normpath(directory))
    if _MONTH.match(tail):
        head, tail = os.path.split(head)
    return head if tail == name and head else None


def parse_extensions(text: str) -> tuple[str, ...]:
    """``"mp4, .MKV webm"`` → ``("mp4", "mkv", "webm")``.  Raises ``ValueError``
    with a sentence naming the first entry that is not an extension."""
    found: list[str] = []
    for item in _SEPARATORS.split(text.strip()):
        if not item:
            continue
        extension = item.removeprefix("*").removeprefix(".").lower()
        if not _EXTENSION.match(extension):
            raise ValueError(f"{item!r} is not a file extension (letters and digits, "
                             "like mp4 or tar).")
        found.append(extension)
    return tuple(dict.fromkeys(found))


def parse_mime_types(text: str) -> tuple[str, ...]:
    """``"video/*, application/x-matroska"`` → a tuple, lower case.  Raises
    ``ValueError`` with a sentence naming the first entry that is not a type."""
    found: list[str] = []
    for item in _SEPARATORS.split(text.strip()):
        if not item:
            continue
        if not _MIME.match(item.lower()):
            raise ValueError(f"{item!r} is not a MIME type (like video/mp4 or audio/*).")
        found.append(item.lower())
    return tuple(dict.fromkeys(found))


def check_rules(rules: Iterable[CategoryRule]) -> str | None:
    """Why ``rules`` cannot be used (a sentence), or ``None``."""
    for rule in rules:
        try:
            category = Category(rule.category)
        except ValueError:
            return f"There is no category {rule.category!r}."
        if category is Category.OTHER and (rule.extensions or rule.mime_types):
            return "Other takes what no other category takes; it has no lists."
        try:
            if parse_extensions(" ".join(rule.extensions)) != rule.extensions:
                return f"{FOLDERS[category]}: write extensions in lower case, without dots."
            if parse_mime_types(" ".join(rule.mime_types)) != rule.mime_types:
                return f"{FOLDERS[category]}: write MIME types in lower case."
        except ValueError as exc:
            return f"{FOLDERS[category]}: {exc}"
    return None
