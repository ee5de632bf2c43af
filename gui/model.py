"""The download table: one row per download, kept in step with the worker's events."""

from __future__ import annotations

import collections
import enum
import functools
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple, cast
from urllib.parse import urlsplit

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QDateTime,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from engine import categories, naming
from engine.protocol import (
    ACTIVE_STATES,
    DownloadInfo,
    ProgressItem,
    ProtocolError,
    QueuePlace,
    State,
    apply,
)
from gui.errors import error_text, explained
from gui.formatting import (
    display_locale,
    format_duration,
    format_percent,
    format_size,
    format_speed,
    with_args,
)
from gui.icons import state_icon
from gui.states import SORT_ORDER, state_label
from gui.urls import mask_credentials

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex


class Column(enum.IntEnum):
    NAME = 0
    SIZE = 1
    PROGRESS = 2
    SPEED = 3
    ETA = 4
    STATE = 5
    ADDED = 6
    QUEUE = 7  # "#": the place in the queue of a waiting download


LAST_COLUMN = Column(len(Column) - 1)
WAITING = frozenset({State.QUEUED, State.SCHEDULED, State.PAUSED})  # what the queue orders

# QT_TRANSLATE_NOOP returns its text; PySide6's stubs say object.
HEADERS = cast(dict[Column, str], {  # translated in headerData
    Column.NAME: QT_TRANSLATE_NOOP("Columns", "Name"),
    Column.SIZE: QT_TRANSLATE_NOOP("Columns", "Size"),
    Column.PROGRESS: QT_TRANSLATE_NOOP("Columns", "Progress"),
    Column.SPEED: QT_TRANSLATE_NOOP("Columns", "Speed"),
    Column.ETA: QT_TRANSLATE_NOOP("Columns", "Time left"),
    Column.STATE: QT_TRANSLATE_NOOP("Columns", "Status"),
    Column.ADDED: QT_TRANSLATE_NOOP("Columns", "Added"),
    Column.QUEUE: QT_TRANSLATE_NOOP("Columns", "#"),
})

ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the download's id (int)
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # a value that sorts the column naturally
BAR_ROLE = Qt.ItemDataRole.UserRole + 3  # a Bar: what the progress delegate paints

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_ROLES = frozenset(
    {_DISPLAY, _ALIGN, _DECORATION, int(Qt.ItemDataRole.ToolTipRole), ID_ROLE, SORT_ROLE, BAR_ROLE}
)

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_ALIGNMENT: dict[int, Qt.AlignmentFlag] = {
    Column.SIZE: _RIGHT,
    Column.SPEED: _RIGHT,
    Column.ETA: _RIGHT,
    Column.QUEUE: _RIGHT,
}
_ITEM = Qt.ItemFlag
# Drag-enabled for the view to start a drag (it does only while it shows the queue order).
ROW_FLAGS = (_ITEM.ItemIsEnabled | _ITEM.ItemIsSelectable | _ITEM.ItemNeverHasChildren
             | _ITEM.ItemIsDragEnabled)
COLUMN_COUNT = len(Column)


class Bar(NamedTuple):
    """One progress cell: the fraction done (``None`` while the size is
    unknown), the download's state and the text on the bar."""

    fraction: float | None
    state: State
    text: str


def _folded(text: str) -> str:
    """``text`` case-folded; ``text`` itself (not a copy) when that changes nothing."""
    folded = text.casefold()
    return text if folded == text else folded


def _name_of(info: DownloadInfo) -> str:
    """The file name, or a guess from the URL until the server has answered."""
    if info.name:
        return info.name
    return naming.url_filename(info.url) or urlsplit(info.url).hostname or info.url


@functools.cache
def _guessed_category(extension: str) -> str:
    """The category of a name with ``extension`` by the default lists (once per
    extension: 10,000 rows of a relaunch cost 10,000 lookups)."""
    return categories.classify(f"file.{extension}" if extension else "file")


@dataclass(slots=True)
class Row:
    """One download as shown: the worker's record plus the live progress, and
    the name and the case-folded texts the filter searches, worked out once
    (a URL that is lower-case already is not copied: 10,000 long URLs are
    megabytes)."""

    info: DownloadInfo
    done: int
    speed: float = 0.0
    name: str = field(init=False)
    folded_name: str = field(init=False)
    folded_url: str = field(init=False)
    position: int = field(init=False)  # in the queue (a ``moved`` event changes only this)
    # The worker's decision, else a guess from the name by the same rule (the
    # default lists) until the server has answered.
    category: str = field(init=False)

    def __post_init__(self) -> None:
        self.name = _name_of(self.info)
        self.folded_name = _folded(self.name)
        self.folded_url = _folded(self.info.url)
        self.position = self.info.position
        self.category = self.info.category or _guessed_category(
            categories.extension_of(self.name))

    def matches(self, folded: str) -> bool:
        """Whether the case-folded ``folded`` is in the name or the URL."""
        return folded in self.folded_name or folded in self.folded_url

    def set_info(self, info: DownloadInfo) -> None:
        old, self.info = self.info, info
        if info.position != old.position:  # else ``moved`` events keep it
            self.position = info.position
        if info.name != old.name or info.url != old.url or info.category != old.category:
            self.__post_init__()

    @property
    def fraction(self) -> float | None:
        size = self.info.size
        if self.info.state is State.COMPLETED:
            return 1.0
        if size is None:
            return None
        return min(self.done / size, 1.0) if size else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left at the current speed, when that can be told."""
        if self.info.state is not State.DOWNLOADING or self.speed <= 0 or self.info.size is None:
            return None
        return max(self.info.size - self.done, 0) / self.speed


@dataclass(frozen=True)
class Summary:
    """Counts and total speed for the status bar and the actions."""

    counts: dict[State, int]
    speed: float

    def count(self, *states: State) -> int:
        return sum(self.counts.get(s, 0) for s in states)


def _contiguous(rows: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted ``(first, last)`` runs of consecutive row numbers."""
    runs: list[tuple[int, int]] = []
    for row in sorted(set(rows)):
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


def _speed_key(row: Row) -> float:
    return row.speed if row.info.state in ACTIVE_STATES else 0.0


def _progress_key(row: Row) -> float:
    fraction = row.fraction
    return -1.0 if fraction is None else fraction


def _eta_key(row: Row) -> float:
    eta = row.eta
    return float("inf") if eta is None else eta


def queue_key(row: Row) -> tuple[int, int, int]:
    """The queue's order: running downloads, then the waiting ones in the
    order they will start, then the others."""
    state = row.info.state
    group = 0 if state in ACTIVE_STATES else 1 if state in WAITING else 2
    return (group, row.position, row.info.id)


# Each column's natural order, as a key for ``list.sort`` (no Qt in the loop).
SORT_KEYS: dict[int, Callable[[Row], Any]] = {
    Column.NAME: lambda row: (row.folded_name, row.folded_url),
    Column.SIZE: lambda row: -1 if row.info.size is None else row.info.size,
    Column.PROGRESS: _progress_key,
    Column.SPEED: _speed_key,
    Column.ETA: _eta_key,
    Column.STATE: lambda row: SORT_ORDER[row.info.state],
    Column.ADDED: lambda row: row.info.added,
    Column.QUEUE: queue_key,
}
# The columns whose values move while a download runs.
LIVE_COLUMNS = frozenset({Column.PROGRESS, Column.SPEED, Column.ETA})


class DownloadTableModel(QAbstractTableModel):
    """The rows, in the order the worker added them; sorting is the proxy's job."""

    queueChanged = Signal()  # the places in the queue ("#") are not what was shown

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []
        self._index: dict[int, int] = {}  # download id → row
        self._moving: set[int] = set()  # ids whose last known speed is not zero
        self._counts: collections.Counter[State] = collections.Counter()  # rows per state
        self._in_category: collections.Counter[str] = collections.Counter()  # rows per category
        self._locale = display_locale()
        self._ranks: dict[int, int] | None = None  # waiting id → its place (from 1); None: stale

    # ------------------------------------------------------------ reading

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMN_COUNT

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < COLUMN_COUNT:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate("Columns", HEADERS[Column(section)])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _ALIGNMENT.get(Column(section), _LEFT)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called about ten times per visible cell per repaint: leave early.
        if role not in _ROLES or not index.isValid():
            return None
        return self.cell(self._rows[index.row()], index.column(), role)

    def cell(self, row: Row, column: int, role: int) -> Any:
        """What ``data`` answers for ``row`` (also asked by the sorting proxy)."""
        if role not in _ROLES:
            return None
        if role == _DISPLAY:
            return self._display(row, column)
        if role == _ALIGN:
            return _ALIGNMENT.get(column, _LEFT)
        if role == _DECORATION:
            return state_icon(row.info.state) if column == Column.STATE else None
        if role == BAR_ROLE:
            return Bar(row.fraction, row.info.state, self._display(row, Column.PROGRESS))
        if role == ID_ROLE:
            return row.info.id
        if role == SORT_ROLE:
            return SORT_KEYS[column](row)
        return self._tooltip(row, column)

    def _display(self, row: Row, column: int) -> str:
        info = row.info
        match column:
            case Column.NAME:
                return row.name
            case Column.SIZE:
                return format_size(self._locale, info.size)
            case Column.PROGRESS:
                fraction = row.fraction
                if fraction is None:
                    return format_size(self._locale, row.done) if row.done else ""
                return format_percent(self._locale, fraction)
            case Column.SPEED:
                return format_speed(self._locale, row.speed) if info.state in ACTIVE_STATES else ""
            case Column.ETA:
                return format_duration(row.eta)
            case Column.STATE:
                label = state_label(info.state)
                # A completed row's error is a note (an HLS stream kept as .ts).
                if info.error and info.state in (State.FAILED, State.RETRYING,
                                                 State.COMPLETED):
                    return f"{label}: {error_text(info.error_code, info.error)}"
                return label
            case Column.QUEUE:
                rank = self.ranks().get(info.id)
                return "" if rank is None else self._locale.toString(rank)
            case Column.ADDED:
                if not info.added:
                    return ""
                when = QDateTime.fromSecsSinceEpoch(round(info.added))
                return self._locale.toString(when, QLocale.FormatType.ShortFormat)
        return ""

    def _tooltip(self, row: Row, column: int) -> str | None:
        info = row.info
        match column:
            case Column.NAME:
                lines = [mask_credentials(info.url)]
                if info.path:
                    lines.append(info.path)
                return "\n".join(lines)
            case Column.PROGRESS:
                done = format_size(self._locale, row.done)
                text = QCoreApplication.translate("Columns", "%1 of %2")
                return with_args(text, done, format_size(self._locale, info.size))
            case Column.STATE:
                return explained(info.error_code, info.error) or state_label(info.state)
            case Column.ADDED if info.added:
                return datetime.fromtimestamp(info.added).isoformat(" ", "seconds")
        return None

    # ------------------------------------------------------------ lookups

    @property
    def locale(self) -> QLocale:
        """The locale the texts are formatted in."""
        return self._locale

    def row_at(self, row: int) -> Row:
        return self._rows[row]

    def row_position(self, download_id: int) -> int:
        """The row number of ``download_id`` (-1 when there is none)."""
        return self._index.get(download_id, -1)

    def find(self, download_id: int) -> Row | None:
        position = self._index.get(download_id)
        return None if position is None else self._rows[position]

    def ids_in_state(self, state: State) -> list[int]:
        return [row.info.id for row in self._rows if row.info.state is state]

    def ids_by_url(self) -> dict[str, int]:
        """Each URL in the list and the id of its (latest) download."""
        return {row.info.url: row.info.id for row in self._rows}

    def ranks(self) -> dict[int, int]:
        """Each waiting download's place in the queue (1 starts next), worked
        out again only after the queue changed."""
        if self._ranks is None:
            waiting = sorted((row for row in self._rows if row.info.state in WAITING),
                             key=queue_key)
            self._ranks = {row.info.id: n for n, row in enumerate(waiting, 1)}
        return self._ranks

    def waiting_order(self) -> list[int]:
        """The waiting downloads' ids, the one that starts next first."""
        return sorted(self.ranks(), key=self.ranks().__getitem__)

    def category_counts(self) -> dict[str, int]:
        """Rows per category (kept as rows change: no walk over every row)."""
        return dict(self._in_category)

    def summary(self) -> Summary:
        """Counts per state (kept as rows change) and the total speed of the
        downloads that move: no walk over every row."""
        speed = sum(self._rows[self._index[i]].speed for i in self._moving if i in self._index)
        return Summary(dict(self._counts), speed)

    # ------------------------------------------------------------ events

    def load_snapshot(self, infos: Sequence[DownloadInfo]) -> None:
        """Bring the rows in line with a ``snapshot``, keeping rows (and the
        selection) of downloads that are still there."""
        if not self._rows:
            self.beginResetModel()
            self._rows = [Row(info, info.done) for info in infos]
            self._ranks = None
            self._reindex()
            self._recount()
            self._moving.clear()
            self.endResetModel()
            return
        wanted = {info.id for info in infos}
        self.remove_downloads([row.info.id for row in self._rows if row.info.id not in wanted])
        for row in self._rows:
            row.speed = 0.0
        self._moving.clear()
        fresh: list[DownloadInfo] = []
        for info in infos:
            position = self._index.get(info.id)
            if position is None:
                fresh.append(info)
            else:
                self._refill(self._rows[position], info)
        self._recount()
        self._queue_changed()
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, COLUMN_COUNT - 1)
            )
        self.add_downloads(fresh)

    def add_downloads(self, infos: Sequence[DownloadInfo]) -> None:
        """Append new downloads in one insertion (known ids are updated)."""
        fresh = []
        self._queue_changed()
        for info in infos:
            if info.id in self._index:
                self._replace(info)
            else:
                fresh.append(info)
        if not fresh:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
        for offset, info in enumerate(fresh):
            row = Row(info, info.done)
            self._rows.append(row)
            self._index[info.id] = first + offset
            self._counts[info.state] += 1
            self._in_category[row.category] += 1
        self.endInsertRows()

    def apply_changes(self, download_id: int, fields: dict[str, Any]) -> None:
        position = self._index.get(download_id)
        if position is None:
            log.debug("change for unknown download %d", download_id)
            return
        row = self._rows[position]
        was, category = row.info.state, row.category
        try:
            row.set_info(apply(row.info, fields))
        except ProtocolError as exc:
            log.warning("download %d: %s", download_id, exc)
            return
        if row.category != category:
            self._in_category[category] -= 1
            self._in_category[row.category] += 1
        if row.info.state is not was:
            self._counts[was] -= 1
            self._counts[row.info.state] += 1
        if "position" in fields or row.info.state is not was:
            self._queue_changed()
        if "done" in fields:
            row.done = row.info.done
        if row.info.state not in ACTIVE_STATES:
            row.speed = 0.0
            self._moving.discard(download_id)
        self._emit_rows([position], Column.NAME, LAST_COLUMN)

    def apply_places(self, places: Sequence[QueuePlace]) -> None:
        """Apply one ``moved`` event: new places in the queue, for thousands
        of rows at once: one ``queueChanged``, no ``dataChanged`` per row."""
        touched = []
        for place in places:
            position = self._index.get(place.id)
            if position is not None:
                self._rows[position].position = place.position
                touched.append(position)
        if touched:
            self._queue_changed()

    def apply_progress(self, items: Sequence[ProgressItem]) -> None:
        """Apply one ``progress`` event: a download not mentioned has stopped
        moving.  One ``dataChanged`` per run of rows, progress columns only."""
        touched: list[int] = []
        moving: set[int] = set()
        for item in items:
            position = self._index.get(item.id)
            if position is None:
                continue
            row = self._rows[position]
            row.done = item.done
            row.speed = item.speed
            touched.append(position)
            if item.speed > 0:
                moving.add(item.id)
        for stalled in self._moving - moving:
            position = self._index.get(stalled)
            if position is not None:
                self._rows[position].speed = 0.0
                touched.append(position)
        self._moving = moving
        self._emit_rows(touched, Column.PROGRESS, Column.ETA)

    def remove_downloads(self, ids: Iterable[int]) -> None:
        positions = [self._index[i] for i in ids if i in self._index]
        if not positions:
            return
        self._queue_changed()
        for first, last in reversed(_contiguous(positions)):
            self.beginRemoveRows(QModelIndex(), first, last)
            for row in self._rows[first : last + 1]:
                self._moving.discard(row.info.id)
            del self._rows[first : last + 1]
            self.endRemoveRows()
        self._reindex()
        self._recount()

    # ------------------------------------------------------------ helpers

    def _replace(self, info: DownloadInfo) -> None:
        position = self._index[info.id]
        row = self._rows[position]
        self._counts[row.info.state] -= 1
        self._in_category[row.category] -= 1
        self._refill(row, info)
        self._counts[info.state] += 1
        self._in_category[row.category] += 1
        self._emit_rows([position], Column.NAME, LAST_COLUMN)

    @staticmethod
    def _refill(row: Row, info: DownloadInfo) -> None:
        """``row`` shows ``info`` now (the same object: views and the proxy hold it)."""
        row.set_info(info)
        row.done = info.done
        row.speed = 0.0

    def _queue_changed(self) -> None:
        """Places in the queue moved: the "#" cells repaint (and work them out
        once, when one of them is painted); a table sorted by "#" sorts again."""
        self._ranks = None
        self.queueChanged.emit()

    def _recount(self) -> None:
        self._counts = collections.Counter(row.info.state for row in self._rows)
        self._in_category = collections.Counter(row.category for row in self._rows)

    def _reindex(self) -> None:
        self._index = {row.info.id: position for position, row in enumerate(self._rows)}

    def _emit_rows(self, positions: Iterable[int], first: Column, last: Column) -> None:
        for top, bottom in _contiguous(positions):
            self.dataChanged.emit(self.index(top, first), self.index(bottom, last))
