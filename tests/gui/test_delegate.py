"""The progress delegate paints a real bar: pixels checked in a rendered image."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage, QPainter, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QStyle, QStyleFactory, QStyleOptionViewItem, QTableView

from engine.protocol import DownloadInfo, State
from gui.delegate import MARGIN, ProgressDelegate
from gui.model import BAR_ROLE, Bar, Column, DownloadTableModel
from gui.states import COLORS

WIDTH, HEIGHT = 300, 26
RED = QColor(255, 0, 0)
INNER = WIDTH - 2 * MARGIN


def light_palette() -> QPalette:
    palette = QStyleFactory.create("Fusion").standardPalette()
    palette.setColor(QPalette.ColorRole.Base, QColor("white"))
    return palette


def dark_palette() -> QPalette:
    """The palette of a dark desktop (the one docs/screenshots/capture.py uses)."""
    palette = QPalette()
    role = QPalette.ColorRole
    for r, color in ((role.Window, "#2b2d30"), (role.WindowText, "#dfe1e5"),
                     (role.Base, "#1e1f22"), (role.AlternateBase, "#26282b"),
                     (role.Text, "#dfe1e5"), (role.Button, "#34363a"),
                     (role.ButtonText, "#dfe1e5"), (role.Highlight, "#2f65ca"),
                     (role.HighlightedText, "#ffffff"), (role.Mid, "#2f3134")):
        palette.setColor(r, QColor(color))
    return palette


PALETTES = {"light": light_palette, "dark": dark_palette}


def bar_of(state: State, size: int | None, done: int) -> Bar:
    """The bar the real model gives such a download."""
    model = DownloadTableModel()
    model.load_snapshot([DownloadInfo(1, "http://127.0.0.1/x", "/tmp", state, size=size,
                                      done=done)])
    bar = model.index(0, Column.PROGRESS).data(BAR_ROLE)
    assert isinstance(bar, Bar)
    return bar


def paint(qtbot, bar: Bar, palette: QPalette, *, selected: bool = False) -> QImage:
    model = QStandardItemModel(1, 1)
    item = QStandardItem()
    item.setData(bar, BAR_ROLE)
    model.setItem(0, 0, item)
    view = QTableView()
    qtbot.addWidget(view)
    view.setStyle(QStyleFactory.create("Fusion"))
    view.setPalette(palette)
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.palette = palette
    option.rect = QRect(0, 0, WIDTH, HEIGHT)
    option.widget = view
    if selected:
        option.state |= QStyle.StateFlag.State_Selected
    image = QImage(WIDTH, HEIGHT, QImage.Format.Format_RGB32)
    image.fill(palette.color(QPalette.ColorRole.Base))
    painter = QPainter(image)
    ProgressDelegate().paint(painter, option, model.index(0, 0))
    painter.end()
    return image


def render(qtbot, state: State, size: int | None, done: int,
           palette: QPalette | None = None) -> QImage:
    return paint(qtbot, bar_of(state, size, done), palette or red_highlight())


def red_highlight() -> QPalette:
    palette = light_palette()
    palette.setColor(QPalette.ColorRole.Highlight, RED)
    return palette


def bar_pixels(image: QImage, start: float, end: float) -> list[QColor]:
    """Pixels along a line near the bar's top edge (clear of the centred text),
    from ``start`` to ``end`` of the bar's width."""
    y = MARGIN + 4
    return [
        image.pixelColor(MARGIN + round(INNER * f / 100), y)
        for f in range(round(start * 100), round(end * 100))
    ]


def close_to(color: QColor, target: QColor, tolerance: int = 70) -> bool:
    return all(
        abs(a - b) <= tolerance
        for a, b in zip(color.getRgb()[:3], target.getRgb()[:3], strict=True)
    )


# ---------------------------------------------------------------- contrast, measured


def relative_luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG 2.x, written out here apart from the delegate's own."""
    def lin(v: int) -> float:
        s = v / 255.0
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4
    r, g, b = rgb
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def ratio(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    la, lb = relative_luminance(a), relative_luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def rgb(image: QImage, x: int, y: int) -> tuple[int, int, int]:
    r, g, b, _ = image.pixelColor(x, y).getRgb()
    return r, g, b


def text_contrast(with_text: QImage, without: QImage, fill_end: float | None) -> dict[str, float]:
    """The contrast of the text with what is under it, on each side of the
    fill's end (``fill_end``: x in pixels, or ``None`` for no fill), measured
    on the pixels: the text's pixels are those the text changed; its ink is
    the one that differs most from what was there; it is compared with the
    background under the text closest to it in luminance (stripes have two)."""
    sides: dict[str, list[tuple[int, int]]] = {"fill": [], "empty": []}
    for y in range(HEIGHT):
        for x in range(WIDTH):
            a, b = rgb(with_text, x, y), rgb(without, x, y)
            if sum(abs(p - q) for p, q in zip(a, b, strict=True)) < 60:
                continue
            if fill_end is not None and x < fill_end - 1:
                sides["fill"].append((x, y))
            elif fill_end is None or x > fill_end + 1:
                sides["empty"].append((x, y))
    measured = {}
    for side, pixels in sides.items():
        if not pixels:
            continue
        x, y = max(pixels, key=lambda p: abs(relative_luminance(rgb(with_text, *p))
                                             - relative_luminance(rgb(without, *p))))
        ink = rgb(with_text, x, y)
        xs = [x for x, _ in pixels]
        ys = [y for _, y in pixels]
        under = {rgb(without, x, y) for x in range(min(xs), max(xs) + 1)
                 for y in range(min(ys), max(ys) + 1)}
        measured[side] = min(ratio(ink, bg) for bg in under)
    return measured


CASES = [
    # state, size, done: the text sits on the fill's end, on yellow and orange,
    # on a full green bar, on stripes of unknown size, on a failed bar.
    (State.DOWNLOADING, 1000, 500),
    (State.DOWNLOADING, 1000, 480),
    (State.PAUSED, 1000, 500),
    (State.PAUSED, 1000, 900),
    (State.RETRYING, 1000, 520),
    (State.COMPLETED, 1000, 1000),
    (State.FAILED, 1000, 500),
    (State.FAILED, 1000, 0),
    (State.QUEUED, 1000, 0),
    (State.DOWNLOADING, None, 7_300_000),
    (State.RETRYING, None, 7_300_000),
]


@pytest.mark.parametrize("palette_name", sorted(PALETTES))
@pytest.mark.parametrize(("state", "size", "done"), CASES)
@pytest.mark.parametrize("selected", [False, True])
def test_progress_text_reads_on_every_bar(qtbot, palette_name: str, state: State,
                                          size: int | None, done: int, selected: bool) -> None:
    palette = PALETTES[palette_name]()
    bar = bar_of(state, size, done)
    assert bar.text, "the model gives this bar a text"
    image = paint(qtbot, bar, palette, selected=selected)
    bare = paint(qtbot, bar._replace(text=""), palette, selected=selected)
    fill_end = None if not bar.fraction else MARGIN + INNER * bar.fraction
    measured = text_contrast(image, bare, fill_end)
    assert measured, "no text was drawn"
    if fill_end is not None and 0.4 < bar.fraction < 0.6:
        assert set(measured) == {"fill", "empty"}, "the text should straddle the fill's end"
    for side, value in measured.items():
        assert value >= 4.5, f"text over the {side} reads at {value:.2f}:1 ({palette_name})"


# ---------------------------------------------------------------- the bar itself


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


@pytest.mark.parametrize("palette_name", sorted(PALETTES))
def test_unknown_size_is_striped_not_full(qtbot, palette_name: str) -> None:
    """Busy with a size not known: pale stripes across, which a full bar
    (a completed one) never looks like."""
    palette = PALETTES[palette_name]()
    palette.setColor(QPalette.ColorRole.Highlight, RED)
    base = palette.color(QPalette.ColorRole.Base)
    busy = bar_pixels(render(qtbot, State.DOWNLOADING, None, 5000, palette), 0.03, 0.97)
    tinted = [c for c in busy if not close_to(c, base, 12)]
    assert len(tinted) > len(busy) / 4, "no stripes"
    assert len(busy) - len(tinted) > len(busy) / 4, "stripes should leave gaps"
    assert all(c.red() > c.green() + 20 for c in tinted), "stripes in the bar's colour"
    assert not any(close_to(c, RED, 60) for c in busy), "a stripe as strong as a fill"
    done = bar_pixels(render(qtbot, State.COMPLETED, 1000, 1000, palette), 0.03, 0.97)
    assert all(close_to(c, COLORS[State.COMPLETED]) for c in done)


def test_unknown_size_while_queued_is_empty(qtbot) -> None:
    image = render(qtbot, State.QUEUED, None, 0)
    assert all(close_to(c, QColor("white"), 8) for c in bar_pixels(image, 0.03, 0.97))


@pytest.mark.parametrize("palette_name", sorted(PALETTES))
def test_a_failed_bar_stands_out(qtbot, palette_name: str) -> None:
    """A failed download with nothing done is not an empty bar like a queued
    one: its groove is tinted with the failure's red, in dark mode too."""
    palette = PALETTES[palette_name]()
    failed = bar_pixels(render(qtbot, State.FAILED, 1000, 0, palette), 0.03, 0.97)
    queued = bar_pixels(render(qtbot, State.QUEUED, 1000, 0, palette), 0.03, 0.97)
    base = palette.color(QPalette.ColorRole.Base)
    assert all(close_to(c, base, 8) for c in queued)
    assert all(c.red() >= max(c.green(), c.blue()) + 25 for c in failed), "not red"
    assert all(not close_to(c, base, 24) for c in failed), "indistinguishable from empty"


def test_the_status_dot_keeps_its_colour_on_a_selected_row(qtbot) -> None:
    from PySide6.QtGui import QIcon

    from gui.icons import state_icon

    for state in State:
        selected = state_icon(state).pixmap(16, 16, QIcon.Mode.Selected).toImage()
        assert selected.pixelColor(8, 8) == COLORS[state]  # not blended with the highlight
        assert selected.pixelColor(4, 8).lightness() > 200  # inside a white ring
