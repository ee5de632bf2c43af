"""Speed over the last minutes: a per-download history and the graph that draws it."""

from __future__ import annotations

import collections
import logging
import math
from collections.abc import Iterable, Sequence

from PySide6.QtCore import QObject, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from engine.protocol import ProgressItem, State
from gui.formatting import format_speed, with_args
from gui.states import COLORS

log = logging.getLogger(__name__)

HISTORY_SECONDS = 180
SHORTEST_SPAN = 60  # a young history is drawn over a minute, not squeezed to the right
SAMPLE_MS = 1000


class SpeedHistory(QObject):
    """Once a second, the latest speed of each download that moved; a download
    that stopped gets zeros until its whole window is idle, then is forgotten
    (so memory follows the active downloads, not every one ever seen).  The
    timer runs only while some download has a history."""

    sampled = Signal()

    def __init__(self, parent: QObject | None = None, seconds: int = HISTORY_SECONDS) -> None:
        super().__init__(parent)
        self._seconds = seconds
        self._samples: dict[int, collections.deque[float]] = {}
        self._latest: dict[int, float] = {}
        self._timer = QTimer(self, interval=SAMPLE_MS)
        self._timer.timeout.connect(self.sample)

    @property
    def seconds(self) -> int:
        return self._seconds

    def record(self, items: Iterable[ProgressItem]) -> None:
        for item in items:
            self._latest[item.id] = item.speed
        if self._latest and not self._timer.isActive():
            self._timer.start()

    def forget(self, ids: Iterable[int]) -> None:
        for download_id in ids:
            self._samples.pop(download_id, None)
            self._latest.pop(download_id, None)

    def samples(self, download_id: int) -> list[float]:
        """Oldest first, one a second; empty for a download that has not moved lately."""
        return list(self._samples.get(download_id, ()))

    def sample(self) -> None:
        for download_id, speed in self._latest.items():
            history = self._samples.get(download_id)
            if history is None:
                history = self._samples[download_id] = collections.deque(maxlen=self._seconds)
            history.append(speed)
        for download_id in [i for i in self._samples if i not in self._latest]:
            history = self._samples[download_id]
            history.append(0.0)
            if len(history) == history.maxlen and not any(history):
                del self._samples[download_id]
        self._latest.clear()
        if not self._samples:
            self._timer.stop()
        self.sampled.emit()


def nice_ceiling(value: float) -> float:
    """A round top for a speed axis at or above ``value`` (at least 1): 1, 2 or
    5 times a power of ten in the unit the speed is shown in (B, KB, MB, … of 1024)."""
    if value <= 1:
        return 1.0
    unit = float(1024 ** min(int(math.log(value, 1024)), 4))
    scaled = value / unit
    power = 10 ** math.floor(math.log10(scaled))
    step = next(s for s in (1, 2, 5, 10) if scaled <= s * power * (1 + 1e-9))
    return step * power * unit


class SpeedGraph(QWidget):
    """An area chart of one sample a second, the newest at the right edge,
    scaled to a round maximum, with the current and top speed written in.  The
    time axis spans the history (at least a minute, at most ``seconds``)."""

    def __init__(self, parent: QWidget | None = None, seconds: int = HISTORY_SECONDS) -> None:
        super().__init__(parent)
        self._seconds = seconds
        self._samples: list[float] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(70)
        self.setAccessibleName(self.tr("Speed graph"))

    def sizeHint(self) -> QSize:
        return QSize(400, 110)

    def set_samples(self, samples: Sequence[float]) -> None:
        self._samples = list(samples[-self._seconds :])
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        palette = self.palette()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        area = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.fillRect(area, palette.color(QPalette.ColorRole.Base))
        grid = QColor(palette.color(QPalette.ColorRole.Text))
        grid.setAlphaF(0.12)
        painter.setPen(QPen(grid, 1))
        for fraction in (0.25, 0.5, 0.75):
            y = area.top() + area.height() * fraction
            painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
        top = nice_ceiling(max(self._samples, default=0.0))
        if self._samples:
            self._plot(painter, area, top)
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(area)
        self._label(painter, area, top)
        painter.end()

    def _span(self) -> int:
        return max(min(len(self._samples), self._seconds), min(SHORTEST_SPAN, self._seconds))

    def _plot(self, painter: QPainter, area: QRectF, top: float) -> None:
        step = area.width() / max(self._span() - 1, 1)
        first_x = area.right() - (len(self._samples) - 1) * step
        points = [
            QPointF(first_x + i * step, area.bottom() - area.height() * min(v / top, 1.0))
            for i, v in enumerate(self._samples)
        ]
        line = COLORS[State.DOWNLOADING]
        fill = QColor(line)
        fill.setAlphaF(0.25)
        path = QPainterPath(QPointF(points[0].x(), area.bottom()))
        for point in points:
            path.lineTo(point)
        path.lineTo(QPointF(points[-1].x(), area.bottom()))
        path.closeSubpath()
        painter.fillPath(path, fill)
        painter.setPen(QPen(line, 1.6))
        painter.drawPolyline(points)

    def _label(self, painter: QPainter, area: QRectF, top: float) -> None:
        locale = self.locale()
        now = self._samples[-1] if self._samples else 0.0
        peak = max(self._samples, default=0.0)
        text = with_args(
            self.tr("now %1 · top %2 · last %3 min"),
            format_speed(locale, now) or "0",
            format_speed(locale, peak) or "0",
            max(1, round(self._span() / 60)),
        )
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        inner = area.adjusted(6, 3, -6, -3)
        painter.drawText(inner, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, text)
        scale = format_speed(locale, top) if top > 1 else ""
        painter.drawText(inner, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop, scale)
