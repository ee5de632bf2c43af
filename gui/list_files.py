"""Export the queue to a list file, and import one (File menu, dropped files).

The formats and their rules are :mod:`engine.listfile`'s; this module only
asks where, writes and reads the file, and says what went wrong.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from enum import Enum
from itertools import groupby
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from engine import listfile
from engine.protocol import DownloadInfo, DownloadOptions

log = logging.getLogger(__name__)
translate = QCoreApplication.translate
LIST_SUFFIXES = (".txt", ".json", ".aria2", ".lst")

# Where to add: (links, folder, options), as MainWindow.queue_urls takes them.
Queue = Callable[[Sequence[str], str, DownloadOptions], None]


class Form(Enum):
    ARIA2 = "aria2"
    JSON = "json"
    PLAIN = "plain"


def render(infos: Sequence[DownloadInfo], form: Form) -> str:
    if form is Form.JSON:
        return listfile.to_json(infos)
    entries = [listfile.from_info(info) for info in infos]
    return listfile.to_aria2(entries) if form is Form.ARIA2 else listfile.to_plain(entries)


def export_to(path: Path, infos: Sequence[DownloadInfo], form: Form) -> None:
    path.write_text(render(infos, form), encoding="utf-8")
    log.info("exported %d download(s) to %s as %s", len(infos), path, form.value)


def ask_and_export(parent: QWidget, infos: Sequence[DownloadInfo], directory: str) -> None:
    filters = {
        translate("ListFiles", "aria2 input file, with folders and options (*.txt)"): Form.ARIA2,
        translate("ListFiles", "JSON, with each download's state (*.json)"): Form.JSON,
        translate("ListFiles", "Links only (*.txt)"): Form.PLAIN,
    }
    chosen, selected = QFileDialog.getSaveFileName(
        parent, translate("ListFiles", "Export the list"),
        str(Path(directory) / "downloads.txt"), ";;".join(filters))
    if not chosen:
        return
    try:
        export_to(Path(chosen), infos, filters.get(selected, Form.ARIA2))
    except OSError as exc:
        QMessageBox.warning(parent, translate("ListFiles", "Export the list"),
                            translate("ListFiles", "Could not write %1: %2")
                            .replace("%1", chosen).replace("%2", exc.strerror or str(exc)))


def import_from(path: Path, default_directory: str, queue: Queue) -> int:
    """Queue every download of the list at ``path``, keeping its folder and
    options; how many.  Raises ``OSError``, ``UnicodeError`` or ``listfile.ListError``."""
    entries = listfile.parse(path.read_text(encoding="utf-8"), default_directory)
    def key(entry: listfile.Entry) -> tuple[str, DownloadOptions]:
        return (entry.directory or default_directory, entry.options)

    for (directory, options), same in groupby(entries, key):
        queue([entry.url for entry in same], directory, options)
    return len(entries)


def import_or_explain(parent: QWidget, path: Path, default_directory: str,
                      queue: Queue) -> None:
    try:
        import_from(path, default_directory, queue)
    except (OSError, UnicodeError, listfile.ListError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        QMessageBox.warning(parent, translate("ListFiles", "Import a list"),
                            translate("ListFiles", "Could not import %1: %2")
                            .replace("%1", str(path)).replace("%2", why))


def ask_and_import(parent: QWidget, default_directory: str, queue: Queue) -> None:
    chosen, _ = QFileDialog.getOpenFileName(
        parent, translate("ListFiles", "Import a list"), default_directory,
        translate("ListFiles", "Download lists (*.txt *.json *.aria2 *.lst);;All files (*)"))
    if chosen:
        import_or_explain(parent, Path(chosen), default_directory, queue)
