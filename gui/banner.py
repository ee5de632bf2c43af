"""A non-modal message strip across the top of the window."""

from __future__ import annotations

import enum
import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

log = logging.getLogger(__name__)


class BannerKind(enum.Enum):
    INFO = "#2f80ed"
    WARNING = "#f2994a"
    ERROR = "#e0463c"


def _tint(base: QColor, accent: QColor, amount: float) -> QColor:
    """``base`` moved ``amount`` of the way towards ``accent``."""
    return QColor.fromRgbF(
        base.redF() + (accent.redF() - base.redF()) * amount,
        base.greenF() + (accent.greenF() - base.greenF()) * amount,
        base.blueF() + (accent.blueF() - base.blueF()) * amount,
    )


class Banner(QFrame):
    """A message with an optional action button and a close button, tinted by
    its kind over the window colour (so it reads in light and dark palettes)."""

    actionTriggered = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kind = BannerKind.INFO
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._text = QLabel(self)
        self._text.setWordWrap(True)
        self._text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._action = QPushButton(self)
        self._action.clicked.connect(self.actionTriggered)
        close = QToolButton(self)
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip(self.tr("Dismiss"))
        close.setAccessibleName(self.tr("Dismiss"))
        close.clicked.connect(self.dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self._text, 1)
        layout.addWidget(self._action)
        layout.addWidget(close)
        self._hide_timer = QTimer(self, singleShot=True)
        self._hide_timer.timeout.connect(self.dismiss)
        self.hide()

    @property
    def text(self) -> str:
        return self._text.text()

    @property
    def action_text(self) -> str:
        """The label of the action button, empty when it is hidden."""
        return self._action.text() if not self._action.isHidden() else ""

    def show_message(
        self,
        text: str,
        kind: BannerKind = BannerKind.INFO,
        *,
        action: str = "",
        details: str = "",
        hide_after: float = 0.0,
    ) -> None:
        """Show ``text``; ``action`` labels the button (none if empty);
        ``details`` is the tooltip; ``hide_after`` seconds, if given, dismisses it."""
        self._kind = kind
        self.update()
        self._text.setText(text)
        self.setToolTip(details)
        self._action.setText(action)
        self._action.setVisible(bool(action))
        self._hide_timer.stop()
        if hide_after:
            self._hide_timer.start(round(hide_after * 1000))
        self.show()

    def dismiss(self) -> None:
        self._hide_timer.stop()
        self.hide()

    def paintEvent(self, event: QPaintEvent) -> None:
        # Tinted at paint time from the current palette, so a switch between
        # light and dark needs nothing more than a repaint.
        painter = QPainter(self)
        base = self.palette().color(QPalette.ColorRole.Window)
        painter.fillRect(self.rect(), _tint(base, QColor(self._kind.value), 0.22))
        painter.end()
        super().paintEvent(event)
