"""The segment map: one bar for the whole file, painted piece by piece (like IDM's)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from engine.protocol import Segment, State
from gui.formatting import with_args
from gui.states import COLORS

log = logging.getLogger(__name__)

BAR_HEIGHT = 26
MIN_SEPARATED = 4.0  # pixels a piece needs before a line marks where it starts


@dataclass(frozen=True)
class SegmentColors:
    """``done``: bytes on disk.  ``active``: the rest of a piece a connection is
    fetching now.  ``remaining``: bytes no connection has reached yet."""

    done: QColor
    active: QColor
    remaining: QColor
    separator: QColor


def segment_colors(palette: QPalette) -> SegmentColors:
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    remaining = QColor(  # whole numbers: what a pixel holds
        round(base.red() + (text.red() - base.red()) * 0.12),
        round(base.green() + (text.green() - base.green()) * 0.12),
        round(base.blue() + (text.blue() - base.blue()) * 0.12),
    )
    return SegmentColors(
        done=COLORS[State.COMPLETED],
        active=COLORS[State.DOWNLOADING],
        remaining=remaining,
        separator=base,
    )


@dataclass(frozen=True)
class SegmentSummary:
    pieces: int
    active: int  # pieces a connection is fetching now


class SegmentMap(QWidget):
    """Paints ``[start, end)`` of each piece scaled to the width: its first
    ``done`` bytes in the done colour, the rest in the active colour while a
    connection is on it, else in the remaining colour.  A file of unknown size
    is one bar, active or not.  A completed file is all done."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._size: int | None = None
        self._segments: tuple[Segment, ...] = ()
        self._complete = False
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(BAR_HEIGHT)
        self.setAccessibleName(self.tr("Segment map"))

    def sizeHint(self) -> QSize:
        return QSize(400, BAR_HEIGHT)

    @property
    def colors(self) -> SegmentColors:
        return segment_colors(self.palette())

    def set_segments(self, size: int | None, segments: Sequence[Segment]) -> None:
        self._size = size
        self._segments = tuple(segments)
        self._complete = False
        self._describe()
        self.update()

    def set_complete(self, size: int | None) -> None:
        self._size = size
        self._segments = ()
        self._complete = True
        self._describe()
        self.update()

    def clear(self) -> None:
        self.set_segments(None, ())

    def summary(self) -> SegmentSummary:
        active = sum(1 for s in self._segments if s.active)
        return SegmentSummary(len(self._segments), active)

    def _describe(self) -> None:
        summary = self.summary()
        text = self.tr("%1 pieces, %2 being downloaded")
        self.setAccessibleDescription(with_args(text, summary.pieces, summary.active))

    def paintEvent(self, event: QPaintEvent) -> None:
        colors = self.colors
        painter = QPainter(self)
        bar = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.fillRect(bar, colors.remaining)
        if self._complete:
            painter.fillRect(bar, colors.done)
        elif self._size:
            self._paint_pieces(painter, bar, self._size, colors)
        elif any(s.active for s in self._segments):
            painter.fillRect(bar, colors.active)  # a stream: no telling where it ends
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Mid), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(bar)
        painter.end()

    def _paint_pieces(
        self, painter: QPainter, bar: QRectF, size: int, colors: SegmentColors
    ) -> None:
        scale = bar.width() / size

        def span(start: int, end: int) -> QRectF:
            return QRectF(bar.left() + start * scale, bar.top(), (end - start) * scale,
                          bar.height())

        for segment in self._segments:
            end = size if segment.end is None else min(segment.end, size)
            reached = min(segment.start + segment.done, end)
            if reached > segment.start:
                painter.fillRect(span(segment.start, reached), colors.done)
            if segment.active and end > reached:
                painter.fillRect(span(reached, end), colors.active)
        painter.setPen(QPen(colors.separator, 1))
        for segment in self._segments:
            end = size if segment.end is None else segment.end
            if segment.start > 0 and (end - segment.start) * scale >= MIN_SEPARATED:
                x = round(bar.left() + segment.start * scale) + 0.5
                painter.drawLine(QPointF(x, bar.top()), QPointF(x, bar.bottom()))
