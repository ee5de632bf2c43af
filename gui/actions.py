"""The window's actions, and which of them apply to a selection."""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence

from engine.protocol import ACTIVE_STATES, State
from gui.icons import action_icon
from gui.model import WAITING, Summary
from gui.selection import Selected

log = logging.getLogger(__name__)

PAUSABLE = ACTIVE_STATES | {State.QUEUED, State.SCHEDULED}
translate = QCoreApplication.translate


@dataclass(frozen=True)
class Actions:
    add: QAction
    paste: QAction
    resume: QAction
    pause: QAction
    retry: QAction
    remove: QAction
    resume_all: QAction
    pause_all: QAction
    open_file: QAction
    open_folder: QAction
    copy_url: QAction
    refresh_link: QAction
    limit_speed: QAction
    copy_path: QAction
    redownload: QAction
    properties: QAction
    remove_completed: QAction
    move_up: QAction
    move_down: QAction
    move_top: QAction
    move_bottom: QAction
    start_now: QAction
    rename: QAction
    delete_file: QAction
    pause_or_resume: QAction
    activate: QAction
    settings: QAction
    quit: QAction

    def all(self) -> list[QAction]:
        return [getattr(self, f.name) for f in fields(self)]


def _action(
    parent: QObject,
    text: str,
    icon: tuple[str, str],
    tip: str,
    shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
) -> QAction:
    action = QAction(action_icon(*icon), text, parent)
    action.setToolTip(tip)
    action.setStatusTip(tip)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    return action


def create_actions(parent: QObject) -> Actions:
    keys = QKeySequence.StandardKey
    actions = Actions(
        add=_action(
            parent, translate("Actions", "&Add…"), ("add", "list-add"),
            translate("Actions", "Add downloads (Ctrl+N)"), keys.New,
        ),
        paste=_action(
            parent, translate("Actions", "&Paste URLs"), ("paste", "edit-paste"),
            translate("Actions", "Queue every URL in the clipboard (Ctrl+V)"), keys.Paste,
        ),
        resume=_action(
            parent, translate("Actions", "&Resume"), ("resume", "media-playback-start"),
            translate("Actions", "Resume the selected downloads"),
        ),
        pause=_action(
            parent, translate("Actions", "Pa&use"), ("pause", "media-playback-pause"),
            translate("Actions", "Pause the selected downloads"),
        ),
        retry=_action(
            parent, translate("Actions", "Re&try"), ("retry", "view-refresh"),
            translate("Actions", "Retry the failed downloads"),
        ),
        remove=_action(
            parent, translate("Actions", "Re&move…"), ("remove", "edit-delete"),
            translate("Actions", "Remove the selected downloads (Del)"), keys.Delete,
        ),
        resume_all=_action(
            parent, translate("Actions", "Resume a&ll"), ("resume-all", ""),
            translate("Actions", "Resume every paused download"),
        ),
        pause_all=_action(
            parent, translate("Actions", "Pause all"), ("pause-all", ""),
            translate("Actions", "Pause every unfinished download"),
        ),
        open_file=_action(
            parent, translate("Actions", "&Open"), ("open-file", "document-open"),
            translate("Actions", "Open the downloaded file"),
        ),
        open_folder=_action(
            parent, translate("Actions", "Open &folder"), ("open-folder", "folder-open"),
            translate("Actions", "Open the folder it is saved in"),
        ),
        copy_url=_action(
            parent, translate("Actions", "&Copy URL"), ("copy", "edit-copy"),
            translate("Actions", "Copy the URLs"), keys.Copy,
        ),
        refresh_link=_action(
            parent, translate("Actions", "Refresh &link…"), ("link", ""),
            translate(
                "Actions",
                "Give the download a new link (when the old one expired); it carries on from "
                "its bytes",
            ),
        ),
        limit_speed=_action(
            parent, translate("Actions", "Speed l&imit…"), ("limit", ""),
            translate("Actions", "Limit the speed of the selected downloads"),
        ),
        copy_path=_action(
            parent, translate("Actions", "Copy &path"), ("copy", "edit-copy"),
            translate("Actions", "Copy where the files are saved"), "Ctrl+Shift+C",
        ),
        redownload=_action(
            parent, translate("Actions", "Down&load again"), ("retry", "view-refresh"),
            translate("Actions", "Download the selected links once more, under new names"),
        ),
        properties=_action(
            parent, translate("Actions", "P&roperties"), ("", "document-properties"),
            translate("Actions", "Show the details of the selected download"), "Alt+Return",
        ),
        remove_completed=_action(
            parent, translate("Actions", "Remove &completed"), ("", "edit-clear"),
            translate("Actions", "Remove every completed download from the list (the files "
                                 "stay)"),
        ),
        move_up=_action(
            parent, translate("Actions", "Move &up"), ("move-up", "go-up"),
            translate("Actions", "Move the selected downloads one place up in the queue "
                                 "(Ctrl+Up)"), "Ctrl+Up",
        ),
        move_down=_action(
            parent, translate("Actions", "Move do&wn"), ("move-down", "go-down"),
            translate("Actions", "Move the selected downloads one place down in the queue "
                                 "(Ctrl+Down)"), "Ctrl+Down",
        ),
        move_top=_action(
            parent, translate("Actions", "Move to &top"), ("move-top", "go-top"),
            translate("Actions", "Start the selected downloads before every other waiting one "
                                 "(Ctrl+Home)"), "Ctrl+Home",
        ),
        move_bottom=_action(
            parent, translate("Actions", "Move to &bottom"), ("move-bottom", "go-bottom"),
            translate("Actions", "Start the selected downloads after every other waiting one "
                                 "(Ctrl+End)"), "Ctrl+End",
        ),
        start_now=_action(
            parent, translate("Actions", "&Start now"), ("start-now", ""),
            translate("Actions", "Start the selected downloads at once, even past the number "
                                 "of downloads at once"), "Ctrl+Return",
        ),
        rename=_action(
            parent, translate("Actions", "Re&name…"), ("rename", ""),
            translate("Actions", "Give the download's file another name (F2)"), "F2",
        ),
        delete_file=_action(
            parent, translate("Actions", "&Delete file…"), ("", "edit-delete"),
            translate("Actions", "Remove the selected downloads and delete their files from "
                                 "the disk (Shift+Del)"), "Shift+Del",
        ),
        pause_or_resume=_action(
            parent, translate("Actions", "Pause or resume"), ("", ""),
            translate("Actions", "Pause the selected downloads, or resume them (Space)"),
            "Space",
        ),
        activate=_action(
            parent, translate("Actions", "Open or show details"), ("", ""),
            translate("Actions", "Open a completed file; show the details of any other "
                                 "download (Enter)"),
            "Return",
        ),
        settings=_action(
            parent, translate("Actions", "&Settings…"), ("settings", "preferences-system"),
            translate("Actions", "Change Greenget's settings"), "Ctrl+,",
        ),
        quit=_action(
            parent, translate("Actions", "&Quit"), ("", "application-exit"),
            translate("Actions", "Quit Greenget"), keys.Quit,
        ),
    )
    # These keys act on the table only: elsewhere (the filter box) they are theirs.
    for action in (actions.activate, actions.pause_or_resume, actions.move_up,
                   actions.move_down, actions.move_top, actions.move_bottom, actions.rename):
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    return actions


def update_enabled(actions: Actions, selected: Selected, summary: Summary) -> None:
    """Enable each action only where it applies to the selection (or queue),
    from counts per state: nothing here walks the rows."""
    some = selected.total > 0
    unfinished = selected.total - selected.count(State.COMPLETED)
    actions.resume.setEnabled(selected.has(State.PAUSED))
    actions.pause.setEnabled(selected.has(*PAUSABLE))
    actions.retry.setEnabled(selected.has(State.FAILED))
    actions.remove.setEnabled(some)
    actions.open_file.setEnabled(selected.has(State.COMPLETED))
    actions.open_folder.setEnabled(some)
    actions.copy_url.setEnabled(some)
    actions.refresh_link.setEnabled(selected.total == 1 and unfinished == 1)
    actions.limit_speed.setEnabled(unfinished > 0)
    actions.copy_path.setEnabled(some)
    actions.redownload.setEnabled(some)
    actions.properties.setEnabled(some)
    actions.pause_or_resume.setEnabled(selected.has(*PAUSABLE, State.PAUSED, State.FAILED))
    actions.activate.setEnabled(some)
    actions.remove_completed.setEnabled(summary.count(State.COMPLETED) > 0)
    waiting = selected.has(*WAITING)
    for move in (actions.move_up, actions.move_down, actions.move_top, actions.move_bottom):
        move.setEnabled(waiting)
    actions.start_now.setEnabled(selected.has(*WAITING, State.FAILED))
    actions.rename.setEnabled(selected.total == 1)
    actions.delete_file.setEnabled(some)
    actions.resume_all.setEnabled(summary.count(State.PAUSED) > 0)
    actions.pause_all.setEnabled(summary.count(*PAUSABLE) > 0)
