"""The questions the window asks before it acts: removing, adding a link twice."""

from __future__ import annotations

import enum
import logging

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QCheckBox, QMessageBox, QWidget

from gui.formatting import with_args

log = logging.getLogger(__name__)


translate = QCoreApplication.translate


class Duplicates(enum.Enum):
    """What to do with links that are already in the list."""

    SKIP = "skip"  # leave them out
    AGAIN = "again"  # download them once more, next to the existing files
    RESUME = "resume"  # resume (or retry) the existing downloads instead


def ask_about_duplicates(parent: QWidget, count: int, example: str) -> Duplicates:
    """Ask what to do with ``count`` links already in the list (``example``
    is one of them, shown); closing the box skips them."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(translate("Prompts", "Already in the list"))
    box.setText(
        with_args(translate("Prompts", "This link is already in the list:\n%1"), example)
        if count == 1
        else translate("Prompts", "%n of these links are already in the list.", "", count)
    )
    box.setInformativeText(translate(
        "Prompts", "Resume continues the existing downloads (a failed one is tried again); "
        "Download again saves another copy under a new name."
    ))
    role = QMessageBox.ButtonRole
    resume = box.addButton(translate("Prompts", "&Resume existing"), role.AcceptRole)
    again = box.addButton(translate("Prompts", "Download &again"), role.YesRole)
    skip = box.addButton(translate("Prompts", "&Skip"), role.RejectRole)
    box.setDefaultButton(resume)
    box.setEscapeButton(skip)
    box.exec()
    clicked = box.clickedButton()
    if clicked is resume:
        return Duplicates.RESUME
    if clicked is again:
        return Duplicates.AGAIN
    return Duplicates.SKIP


def confirm_remove(parent: QWidget, count: int, completed: int) -> bool | None:
    """Ask before removing ``count`` downloads (``completed`` of them
    finished); ``None`` to cancel, else whether to delete the finished files.
    Unfinished downloads always take their partial files with them."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(translate("Prompts", "Remove downloads"))
    box.setText(
        translate("Prompts", "Remove %n download from the list?", "", count)
        if count == 1
        else translate("Prompts", "Remove %n downloads from the list?", "", count)
    )
    if completed < count:
        box.setInformativeText(translate(
            "Prompts", "The partly downloaded files of unfinished ones are deleted."))
    also_delete = QCheckBox(translate("Prompts", "Also delete the completed files"), box)
    if completed:
        box.setCheckBox(also_delete)
    box.setStandardButtons(QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Ok).setText(translate("Prompts", "Remove"))
    if box.exec() != QMessageBox.StandardButton.Ok:
        return None
    return bool(completed) and also_delete.isChecked()


def confirm_quit(parent: QWidget, running: int) -> bool:
    """Ask before quitting with ``running`` downloads under way."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(translate("Prompts", "Quit Greenget"))
    box.setText(translate("Prompts", "%n downloads are running. Quit anyway?", "", running))
    box.setInformativeText(translate(
        "Prompts", "They stop now and carry on from where they were the next time "
        "Greenget starts."))
    quit_button = box.addButton(translate("Prompts", "&Quit"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(quit_button)
    box.exec()
    return box.clickedButton() is quit_button
