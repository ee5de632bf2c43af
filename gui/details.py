"""The details pane: everything about the selected download, with pictures."""

from __future__ import annotations

import html
import logging

from PySide6.QtCore import QDateTime, QEvent, QLocale, Qt, QTimer
from PySide6.QtGui import QColor, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from engine.protocol import ACTIVE_STATES, GetSegments, Hello, Segments, State
from gui.engine_client import EngineClient
from gui.errors import error_text, explained
from gui.formatting import format_limit, format_size, format_speed, with_args
from gui.model import DownloadTableModel, Row
from gui.segment_map import SegmentMap, segment_colors
from gui.speed_graph import SpeedGraph, SpeedHistory
from gui.state_history import StateEntry, StateHistory
from gui.states import COLORS, state_label
from gui.urls import mask_credentials

log = logging.getLogger(__name__)

POLL_MS = 1000  # the segment map and the labels follow the download this often
HISTORY_ROWS = 5  # the state history's height; it scrolls for more


def _swatch(color: QColor, text: str) -> str:
    return f'<span style="color:{color.name()}">■</span> {html.escape(text)}'


def entry_time(locale: QLocale, when: float) -> str:
    """The time of day, with the date when it was not today."""
    moment = QDateTime.fromSecsSinceEpoch(int(when))
    clock = moment.time().toString("HH:mm:ss")
    if moment.date() == QDateTime.currentDateTime().date():
        return clock
    return f"{locale.toString(moment.date(), QLocale.FormatType.ShortFormat)} {clock}"


class DetailsPane(QWidget):
    """Shows one download (``show_download``); while visible it asks the worker
    for the segment map about once a second if the download is active (once
    when it is not), and redraws the speed graph from the shared history."""

    def __init__(
        self,
        model: DownloadTableModel,
        client: EngineClient,
        history: SpeedHistory,
        states: StateHistory,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._model = model
        self._client = client
        self._history = history
        self._states = states
        self._id: int | None = None

        self.name = self._value(selectable=True)
        font = self.name.font()
        font.setBold(True)
        self.name.setFont(font)
        self.url = self._value(selectable=True)
        self.final_url = self._value(selectable=True)
        self.etag = self._value(selectable=True)
        self.last_modified = self._value(selectable=True)
        self.path = self._value(selectable=True)
        self.size_value = self._value()
        self.state = self._value(selectable=True)
        self.options = self._value()
        self.state_log = QListWidget(self)
        self.state_log.setAccessibleName(self.tr("State history"))
        self.state_log.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.state_log.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.state_log.setWordWrap(True)
        self.state_log.setMaximumHeight(
            self.fontMetrics().lineSpacing() * HISTORY_ROWS + 2 * self.state_log.frameWidth() + 4
        )
        self.segment_map = SegmentMap(self)
        self.pieces = QLabel(self)
        self.graph = SpeedGraph(self, history.seconds)

        facts = QFormLayout()
        facts.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        facts.addRow(self.tr("Name:"), self.name)
        facts.addRow(self.tr("URL:"), self.url)
        facts.addRow(self.tr("Redirected to:"), self.final_url)
        facts.addRow(self.tr("Saved to:"), self.path)
        facts.addRow(self.tr("Size:"), self.size_value)
        facts.addRow(self.tr("ETag:"), self.etag)
        facts.addRow(self.tr("Last modified:"), self.last_modified)
        facts.addRow(self.tr("Status:"), self.state)
        facts.addRow(self.tr("Options:"), self.options)
        facts.addRow(self.tr("History:"), self.state_log)
        self._facts = facts
        self.legend = QLabel(self)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self._paint_legend()
        legend = QHBoxLayout()
        legend.addWidget(self.pieces, 1)
        legend.addWidget(self.legend)

        pictures = QVBoxLayout()
        pictures.addWidget(self.segment_map)
        pictures.addLayout(legend)
        pictures.addWidget(self.graph, 1)
        pictures.addStretch(0)  # takes the room while the graph is hidden
        body = QWidget(self)
        columns = QHBoxLayout(body)
        columns.setContentsMargins(8, 6, 8, 6)
        columns.addLayout(facts, 1)
        separator = QFrame(body)
        separator.setFrameShape(QFrame.Shape.VLine)
        separator.setFrameShadow(QFrame.Shadow.Sunken)
        columns.addWidget(separator)
        columns.addLayout(pictures, 1)

        self.placeholder = QLabel(self.tr("Select a download to see its details."), self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setEnabled(False)
        self._stack = QStackedWidget(self)
        self._stack.addWidget(self.placeholder)
        self._stack.addWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._stack)

        self._timer = QTimer(self, interval=POLL_MS)
        self._timer.timeout.connect(self._tick)
        client.segmentsReceived.connect(self._on_segments)
        # Queued: the table's model takes the change first, then this pane reads it.
        client.downloadChanged.connect(self._on_changed, Qt.ConnectionType.QueuedConnection)
        client.connected.connect(self._on_connected)
        history.sampled.connect(self._draw_graph)
        states.recorded.connect(self._on_recorded)

    def _value(self, *, selectable: bool = False) -> QLabel:
        label = QLabel(self)
        label.setWordWrap(True)
        label.setMinimumWidth(120)
        if selectable:
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    @property
    def download_id(self) -> int | None:
        return self._id

    # ------------------------------------------------------------ showing

    def show_download(self, download_id: int | None) -> None:
        """Follow ``download_id`` (``None``: nothing selected)."""
        if download_id == self._id:
            return
        self._id = download_id
        self.segment_map.clear()
        self.pieces.clear()
        self._refresh()
        self._show_states()
        self._ask_segments()

    def _row(self) -> Row | None:
        return None if self._id is None else self._model.find(self._id)

    def _refresh(self) -> None:
        row = self._row()
        if row is None:
            self._id = None
            self._stack.setCurrentWidget(self.placeholder)
            return
        self._stack.setCurrentIndex(1)
        info, locale = row.info, self._model.locale
        self.name.setText(row.name)
        self.url.setText(mask_credentials(info.url))
        self._show_optional(self.final_url, mask_credentials(info.final_url)
                            if info.final_url not in ("", info.url) else "")
        self._show_optional(self.etag, info.etag)
        self._show_optional(self.last_modified, info.last_modified)
        self.path.setText(info.path or info.directory)
        if info.size is None:
            self.size_value.setText(
                with_args(self.tr("%1 (size unknown)"), format_size(locale, row.done)))
        else:
            done, size = format_size(locale, row.done), format_size(locale, info.size)
            self.size_value.setText(with_args(self.tr("%1 of %2"), done, size))
        state = state_label(info.state)
        if info.state in ACTIVE_STATES and row.speed > 0:
            state = f"{state} · {format_speed(locale, row.speed)}"
        if info.error:
            state = f"{state}\n{explained(info.error_code, info.error)}"
        self.state.setText(state)
        self.state.setStyleSheet(f"color: {COLORS[info.state].name()}"
                                 if info.state in (State.FAILED, State.RETRYING) else "")
        connections = (
            with_args(self.tr("%1 connections"), info.connections)
            if info.connections
            else self.tr("default connections")
        )
        limit = with_args(self.tr("speed limit: %1"), format_limit(locale, info.speed_limit))
        self.options.setText(f"{connections} · {limit}")
        if info.state is State.COMPLETED:
            self.segment_map.set_complete(info.size)
            self._describe_pieces()
        self._sync_timer(info.state)
        self._draw_graph()

    def _show_optional(self, label: QLabel, text: str) -> None:
        """A row shown only when the server said something for it."""
        label.setText(text)
        self._facts.setRowVisible(label, bool(text))

    def _show_states(self) -> None:
        """The selected download's state history, newest first."""
        self.state_log.clear()
        if self._id is None:
            return
        for entry in reversed(self._states.entries(self._id)):
            self.state_log.addItem(self._state_item(entry))

    def _state_item(self, entry: StateEntry) -> QListWidgetItem:
        when = self.tr("earlier") if entry.when is None else entry_time(
            self._model.locale, entry.when
        )
        text = f"{when}  {state_label(entry.state)}"
        if entry.error:
            text = f"{text}: {error_text(entry.error_code, entry.error)}"
        item = QListWidgetItem(text)
        if entry.state in (State.FAILED, State.RETRYING):
            item.setForeground(COLORS[entry.state])
        return item

    def _on_recorded(self, download_id: int) -> None:
        if download_id == self._id:
            self._show_states()

    def _sync_timer(self, state: State) -> None:
        if self.isVisible() and state in ACTIVE_STATES:
            if not self._timer.isActive():
                self._timer.start()
        else:
            self._timer.stop()

    def _ask_segments(self) -> None:
        row = self._row()
        if row is not None and self.isVisible() and row.info.state is not State.COMPLETED:
            self._client.send(GetSegments(row.info.id))

    def _tick(self) -> None:
        self._refresh()
        self._ask_segments()

    def _on_segments(self, message: Segments) -> None:
        row = self._row()
        if row is None or message.id != self._id or row.info.state is State.COMPLETED:
            return
        self.segment_map.set_segments(message.size, message.segments)
        self._describe_pieces()

    def _describe_pieces(self) -> None:
        summary = self.segment_map.summary()
        if summary.pieces:
            text = self.tr("%1 pieces, %2 connections busy")
            self.pieces.setText(with_args(text, summary.pieces, summary.active))
        else:
            self.pieces.clear()

    def _on_changed(self, download_id: int, fields: dict) -> None:
        if download_id != self._id:
            return
        self._refresh()
        if "state" in fields:
            self._ask_segments()  # one last map for a download that just stopped

    def _on_connected(self, _hello: Hello) -> None:
        self._ask_segments()  # a restarted worker: the map as it is now

    def _draw_graph(self) -> None:
        """The speed graph of a download that runs or ran lately; none (not
        an empty one) for a finished, failed or waiting download."""
        row = self._row()
        samples = self._history.samples(row.info.id) if row is not None else []
        wanted = row is not None and (row.info.state in ACTIVE_STATES or any(samples))
        if self.graph.isVisibleTo(self) != wanted:
            self.graph.setVisible(wanted)
        if wanted and self.isVisible():
            self.graph.set_samples(samples)

    def _paint_legend(self) -> None:
        colors = segment_colors(self.palette())  # the map's, before it has heard of a change
        self.legend.setText("&nbsp;&nbsp;".join((
            _swatch(colors.done, self.tr("downloaded")),
            _swatch(colors.active, self.tr("downloading")),
            _swatch(colors.remaining, self.tr("not yet")),
        )))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._paint_legend()  # the "not yet" colour follows the palette

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._refresh()
        self._ask_segments()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._timer.stop()
