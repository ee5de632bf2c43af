"""Paints the progress column as a real progress bar with its percentage."""

from __future__ import annotations

import logging

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
)

from engine.protocol import ACTIVE_STATES, State
from gui.model import BAR_ROLE
from gui.states import COLORS

log = logging.getLogger(__name__)

STEPS = 1000  # the bar's resolution: a tenth of a percent
MARGIN = 3  # pixels between the bar and the cell's edge

# A downloading bar takes the palette's highlight; the others their state's colour.
_BAR_COLORS = {state: color for state, color in COLORS.items() if state is not State.DOWNLOADING}


class ProgressDelegate(QStyledItemDelegate):
    """Draws the cell background (selection), then a style-native progress bar:
    determinate with the model's fraction; indeterminate while a download of
    unknown size is active; empty for one of unknown size that is not."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        # The cell's background (selection, alternate rows), then the bar.
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
        fraction, state, text = index.data(BAR_ROLE)
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
        bar.fontMetrics = option.fontMetrics
        bar.direction = option.direction
        bar.state = option.state | QStyle.StateFlag.State_Horizontal
        bar.minimum = 0
        if fraction is None and state in ACTIVE_STATES:
            bar.maximum = 0  # minimum == maximum: the style's busy indicator
            bar.progress = 0
        else:
            bar.maximum = STEPS
            bar.progress = round((fraction or 0.0) * STEPS)
        bar.text = text
        bar.textVisible = True
        bar.textAlignment = Qt.AlignmentFlag.AlignCenter
        color = _BAR_COLORS.get(state)
        if color is None:
            bar.palette = option.palette
        else:
            palette = QPalette(option.palette)
            palette.setColor(QPalette.ColorRole.Highlight, color)
            bar.palette = palette
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, widget)
