"""How each download state is named, coloured and grouped in the window."""

from __future__ import annotations

import enum
import logging
from typing import cast

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtGui import QColor

from engine.protocol import ACTIVE_STATES, State

log = logging.getLogger(__name__)

# Marked for translation here, translated where shown (the language is known then).
_LABELS = cast(dict[State, str], {  # QT_TRANSLATE_NOOP returns its text
    State.QUEUED: QT_TRANSLATE_NOOP("States", "Queued"),
    State.SCHEDULED: QT_TRANSLATE_NOOP("States", "Scheduled"),
    State.DOWNLOADING: QT_TRANSLATE_NOOP("States", "Downloading"),
    State.RETRYING: QT_TRANSLATE_NOOP("States", "Retrying"),
    State.PAUSED: QT_TRANSLATE_NOOP("States", "Paused"),
    State.COMPLETED: QT_TRANSLATE_NOOP("States", "Completed"),
    State.FAILED: QT_TRANSLATE_NOOP("States", "Failed"),
})


def state_label(state: State) -> str:
    """The state's name in the person's language."""
    return QCoreApplication.translate("States", _LABELS[state])

# Mid-tone colours that read on light and dark palettes alike.
COLORS: dict[State, QColor] = {
    State.QUEUED: QColor("#8a8f98"),
    State.SCHEDULED: QColor("#8e6fc1"),
    State.DOWNLOADING: QColor("#2f80ed"),
    State.RETRYING: QColor("#f2994a"),
    State.PAUSED: QColor("#c9a227"),
    State.COMPLETED: QColor("#27ae60"),
    State.FAILED: QColor("#e0463c"),
}

# The order rows take when sorted by state: what needs attention first.
SORT_ORDER: dict[State, int] = {
    State.DOWNLOADING: 0,
    State.RETRYING: 1,
    State.QUEUED: 2,
    State.SCHEDULED: 3,
    State.PAUSED: 4,
    State.FAILED: 5,
    State.COMPLETED: 6,
}


class StateFilter(enum.Enum):
    """The choices of the window's state filter (the value is the English label)."""

    ALL = QT_TRANSLATE_NOOP("States", "All")
    ACTIVE = QT_TRANSLATE_NOOP("States", "Active")
    QUEUED = QT_TRANSLATE_NOOP("States", "Queued")
    PAUSED = QT_TRANSLATE_NOOP("States", "Paused")
    COMPLETED = QT_TRANSLATE_NOOP("States", "Completed")
    FAILED = QT_TRANSLATE_NOOP("States", "Failed")

    @property
    def label(self) -> str:
        return QCoreApplication.translate("States", str(self.value))

    @classmethod
    def restore(cls, saved: str) -> StateFilter:
        """The filter saved as its name (or, by older versions, its English label)."""
        for choice in cls:
            if saved in (choice.name, choice.value):
                return choice
        return cls.ALL

    def accepts(self, state: State) -> bool:
        match self:
            case StateFilter.ALL:
                return True
            case StateFilter.ACTIVE:
                return state in ACTIVE_STATES
            case StateFilter.QUEUED:  # waiting for a slot or for the schedule's hours
                return state in (State.QUEUED, State.SCHEDULED)
            case _:
                return state.value == self.name.lower()
