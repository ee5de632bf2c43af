"""The progress delegate paints a real bar: pixels checked in a rendered image."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage, QPainter, QPalette
from PySide6.QtWidgets import QStyleFactory, QStyleOptionViewItem, QTableView

from engine.protocol import DownloadInfo, State
from gui.delegate import MARGIN, ProgressDelegate
from gui.model import Column, DownloadTableModel
from gui.states import COLORS

WIDTH, HEIGHT = 300, 26
RED = QColor(255, 0, 0)


def render(qtbot, state: State, size: int | None, done: int) -> QImage:
    model = DownloadTableModel()
    download = DownloadInfo(1, "http://127.0.0.1/x", "/tmp", state, size=size, done=done)
    model.load_snapshot([download])
    view = QTableView()
    qtbot.addWidget(view)
    view.setStyle(QStyleFactory.create("Fusion"))
    palette = view.palette()
    palette.setColor(QPalette.ColorRole.Highlight, RED)
    palette.setColor(QPalette.ColorRole.Base, QColor("white"))
    palette.setColor(QPalette.ColorRole.Window, QColor("white"))
    view.setPalette(palette)
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.rect = QRect(0, 0, WIDTH, HEIGHT)
    option.widget = view
    image = QImage(WIDTH, HEIGHT, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    ProgressDelegate().paint(painter, option, model.index(0, Column.PROGRESS))
    painter.end()
    return image


def bar_pixels(image: QImage, start: float, end: float) -> list[QColor]:
    """Pixels along a line near the bar's top edge (clear of the centred text),
    from ``start`` to ``end`` of the bar's width."""
    inner = WIDTH - 2 * MARGIN
    y = MARGIN + 4
    return [
        image.pixelColor(MARGIN + round(inner * f / 100), y)
        for f in range(round(start * 100), round(end * 100))
    ]


def close_to(color: QColor, target: QColor, tolerance: int = 70) -> bool:
    return all(
        abs(a - b) <= tolerance
        for a, b in zip(color.getRgb()[:3], target.getRgb()[:3], strict=True)
    )


@pytest.mark.parametrize("fraction", [0.25, 0.6])
def test_fill_matches_the_percentage(qtbot, fraction: float) -> None:
    image = render(qtbot, State.DOWNLOADING, 1000, round(fraction * 1000))
    filled = bar_pixels(image, 0.03, fraction - 0.03)
    empty = bar_pixels(image, fraction + 0.03, 0.97)
    assert all(close_to(c, RED) for c in filled), "the fill is not where the percentage says"
    assert not any(close_to(c, RED) for c in empty), "the fill runs past the percentage"


def test_completed_bar_is_full_and_green(qtbot) -> None:
    image = render(qtbot, State.COMPLETED, 1000, 1000)
    assert all(close_to(c, COLORS[State.COMPLETED]) for c in bar_pixels(image, 0.03, 0.97))


def test_unknown_size_while_downloading_is_busy(qtbot) -> None:
    image = render(qtbot, State.DOWNLOADING, None, 5000)
    busy = bar_pixels(image, 0.03, 0.97)
    # Fusion's busy bar: highlight-coloured stripes across the whole width.
    assert sum(close_to(c, RED) for c in busy) > len(busy) / 3


def test_unknown_size_while_queued_is_empty(qtbot) -> None:
    image = render(qtbot, State.QUEUED, None, 0)
    assert not any(close_to(c, RED) for c in bar_pixels(image, 0.03, 0.97))


def test_the_status_dot_keeps_its_colour_on_a_selected_row(qtbot) -> None:
    from PySide6.QtGui import QIcon

    from gui.icons import state_icon
    from gui.states import COLORS

    for state in State:
        selected = state_icon(state).pixmap(16, 16, QIcon.Mode.Selected).toImage()
        assert selected.pixelColor(8, 8) == COLORS[state]  # not blended with the highlight
        assert selected.pixelColor(4, 8).lightness() > 200  # inside a white ring
