"""How each download state is named, coloured and grouped in the window."""

from __future__ import annotations

import enum
import logging

from PySide6.QtGui import QColor

from engine.protocol import ACTIVE_STATES, State

log = logging.getLogger(__name__)

LABELS: dict[State, str] = {
    State.QUEUED: "Queued",
    State.DOWNLOADING: "Downloading",
    State.RETRYING: "Retrying",
    State.PAUSED: "Paused",
    State.COMPLETED: "Completed",
    State.FAILED: "Failed",
}

# Mid-tone colours that read on light and dark palettes alike.
COLORS: dict[State, QColor] = {
    State.QUEUED: QColor("#8a8f98"),
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
    State.PAUSED: 3,
    State.FAILED: 4,
    State.COMPLETED: 5,
}


class StateFilter(enum.Enum):
    """The choices of the window's state filter."""

    ALL = "All"
    ACTIVE = "Active"
    QUEUED = "Queued"
    PAUSED = "Paused"
    COMPLETED = "Completed"
    FAILED = "Failed"

    def accepts(self, state: State) -> bool:
        match self:
            case StateFilter.ALL:
                return True
            case StateFilter.ACTIVE:
                return state in ACTIVE_STATES
            case _:
                return state.value == self.name.lower()
