"""The application icon, toolbar icons and the coloured state markers."""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap

from engine.protocol import State
from gui.states import COLORS

log = logging.getLogger(__name__)

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
APP_ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


@functools.cache
def app_icon() -> QIcon:
    """The Greenget icon at every size shipped in ``resources/``."""
    icon = QIcon(str(RESOURCES / "greenget.svg"))
    for size in APP_ICON_SIZES:
        png = RESOURCES / "icons" / f"greenget-{size}.png"
        if png.exists():
            icon.addFile(str(png))
    if icon.isNull():
        log.warning("application icon not found under %s", RESOURCES)
    return icon


@functools.cache
def action_icon(name: str, theme_name: str) -> QIcon:
    """The desktop theme's icon ``theme_name`` if it has one, else ours from
    ``resources/actions`` (always ours when ``theme_name`` is empty; none when
    ``name`` is)."""
    if theme_name and QIcon.hasThemeIcon(theme_name):
        return QIcon.fromTheme(theme_name)
    return QIcon(str(RESOURCES / "actions" / f"{name}.svg")) if name else QIcon()


@functools.cache
def state_icon(state: State) -> QIcon:
    """A small dot in the state's colour.  On a selected row it keeps its
    colour (styles tint a selected icon with the highlight, which made a blue
    dot vanish on a blue row) inside a white ring."""
    icon = QIcon()
    for size in (16, 32):
        icon.addPixmap(_dot(size, COLORS[state], ring=False), QIcon.Mode.Normal)
        icon.addPixmap(_dot(size, COLORS[state], ring=True), QIcon.Mode.Selected)
    return icon


def _dot(size: int, colour: QColor, *, ring: bool) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if ring:
        painter.setPen(QPen(QColor("white"), size / 10))
    else:
        painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    margin = size * 0.28
    painter.drawEllipse(QRectF(margin, margin, size - 2 * margin, size - 2 * margin))
    painter.end()
    return pixmap
