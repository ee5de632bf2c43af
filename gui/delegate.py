"""Paints the progress column: a bar in the state's colour with legible text on it."""

from __future__ import annotations

import logging

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
)

from engine.protocol import ACTIVE_STATES, State
from gui.model import BAR_ROLE
from gui.states import COLORS

log = logging.getLogger(__name__)

MARGIN = 3  # pixels between the bar and the cell's edge
RADIUS = 2.5
STRIPE = 7  # width of one stripe of the "size unknown" bar
STRIPE_TINT = 0.3  # how much of the state's colour a stripe takes (a fill takes all)
FAILED_TINT = 0.22  # a failed bar's groove, tinted so it stands out on any palette
BORDER_TINT = 0.35  # the groove's border: this much of the text colour over the base
READABLE = 4.5  # WCAG AA contrast for normal text
_BLACK, _WHITE = QColor(0, 0, 0), QColor(255, 255, 255)

# A downloading bar takes the palette's highlight; the others their state's colour.
_BAR_COLORS = {state: color for state, color in COLORS.items() if state is not State.DOWNLOADING}


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(color: QColor) -> float:
    """WCAG 2 relative luminance of an opaque sRGB colour."""
    return (0.2126 * _linear(color.red()) + 0.7152 * _linear(color.green())
            + 0.0722 * _linear(color.blue()))


def contrast(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def ink_for(backgrounds: list[QColor], preferred: QColor) -> QColor:
    """``preferred`` if it reads on every one of ``backgrounds``; else black or
    white, whichever reads better on the worst of them (one of the two always
    reaches 4.5:1 on a single colour)."""
    if min(contrast(preferred, b) for b in backgrounds) >= READABLE:
        return preferred
    return max((_BLACK, _WHITE), key=lambda ink: min(contrast(ink, b) for b in backgrounds))


def mix(base: QColor, top: QColor, amount: float) -> QColor:
    """``top`` laid over ``base`` with opacity ``amount``, as an opaque colour."""
    return QColor.fromRgbF(
        base.redF() + (top.redF() - base.redF()) * amount,
        base.greenF() + (top.greenF() - base.greenF()) * amount,
        base.blueF() + (top.blueF() - base.blueF()) * amount,
    )


class ProgressDelegate(QStyledItemDelegate):
    """Draws the cell background (selection), then the bar itself (not the
    style's, whose text colours ignore the fill): the done part in the
    state's colour; stripes, never a solid fill, while a download of unknown
    size runs; a red-tinted groove for a failed one.  The text is drawn twice,
    clipped: over the fill in black or white, whichever reads on the fill,
    over the rest in the palette's text colour (or black or white when that
    does not read on the groove)."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
        fraction, state, text = index.data(BAR_ROLE)
        palette = option.palette
        fill = _BAR_COLORS.get(state) or palette.color(QPalette.ColorRole.Highlight)
        base = palette.color(QPalette.ColorRole.Base)
        text_color = palette.color(QPalette.ColorRole.Text)
        groove = QRectF(option.rect.adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN))
        if groove.width() <= 2 or groove.height() <= 2:
            return
        failed = state is State.FAILED
        empty = mix(base, fill, FAILED_TINT) if failed else base
        border = fill if failed else mix(base, text_color, BORDER_TINT)

        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        outline = QPainterPath()
        outline.addRoundedRect(groove, RADIUS, RADIUS)
        painter.fillPath(outline, empty)
        painter.setClipPath(outline)
        backgrounds = [empty]
        filled = QRectF()
        if fraction is None and state in ACTIVE_STATES:
            stripe = mix(empty, fill, STRIPE_TINT)
            self._stripes(painter, groove, stripe)
            backgrounds.append(stripe)
        elif fraction:
            width = groove.width() * min(max(fraction, 0.0), 1.0)
            left = groove.right() - width if option.direction == Qt.LayoutDirection.RightToLeft \
                else groove.left()
            filled = QRectF(left, groove.top(), width, groove.height())
            painter.fillRect(filled, fill)
        painter.setClipping(False)
        painter.setPen(QPen(border, 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(groove.adjusted(0.5, 0.5, -0.5, -0.5), RADIUS, RADIUS)
        if text:
            painter.setFont(option.font)
            align = Qt.AlignmentFlag.AlignCenter
            rest = QPainterPath()
            rest.addRect(groove)
            if not filled.isEmpty():
                over_fill = QPainterPath()
                over_fill.addRect(filled)
                painter.setClipPath(over_fill)
                painter.setPen(ink_for([fill], _WHITE))
                painter.drawText(groove, align, text)
                rest = rest.subtracted(over_fill)
            painter.setClipPath(rest)
            painter.setPen(ink_for(backgrounds, text_color))
            painter.drawText(groove, align, text)
        painter.restore()

    @staticmethod
    def _stripes(painter: QPainter, groove: QRectF, color: QColor) -> None:
        """Diagonal stripes across the groove, every other one coloured."""
        height = groove.height()
        brush = QBrush(color)
        x = groove.left() - height
        while x < groove.right():
            band = QPainterPath()
            band.moveTo(x, groove.bottom())
            band.lineTo(x + height, groove.top())
            band.lineTo(x + height + STRIPE, groove.top())
            band.lineTo(x + STRIPE, groove.bottom())
            band.closeSubpath()
            painter.fillPath(band, brush)
            x += 2 * STRIPE
