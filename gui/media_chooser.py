"""The Add dialog's format chooser: what a video page or an HLS master playlist offers.

The worker answers ``get_media`` (yt-dlp reads the page in a child process of
the worker; the window only waits for the ``media`` event, never blocking).
The person picks one row: a format with video and audio, a video-only one
(then an audio track from the list below it, merged by ffmpeg), or an audio
track alone.  The best one, as yt-dlp chose it, is selected from the start.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from engine.protocol import Media, MediaFormat
from gui.errors import error_text
from gui.formatting import display_locale, format_size, with_args

ID_ROLE = Qt.ItemDataRole.UserRole
REVEAL_MS = 300  # a file's answer comes sooner: the chooser does not flash for it


class MediaChooser(QWidget):
    """Hidden until a single link is asked about; then "reading…", then the
    title and the formats (or why there are none)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.url = ""  # the link asked about
        self._media: Media | None = None
        self._reveal = QTimer(self, singleShot=True, interval=REVEAL_MS)
        self._reveal.timeout.connect(self.show)
        self._status = QLabel(self)
        self._status.setWordWrap(True)
        self._status.setTextFormat(Qt.TextFormat.PlainText)
        self._formats = QTreeWidget(self)
        self._formats.setRootIsDecorated(False)
        self._formats.setAllColumnsShowFocus(True)
        self._formats.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._formats.setHeaderLabels([self.tr("Quality"), self.tr("Contents"),
                                       self.tr("Codecs"), self.tr("Bitrate"), self.tr("Size"),
                                       self.tr("Type")])
        self._formats.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self._formats.setMinimumHeight(150)
        self._formats.itemSelectionChanged.connect(self._selection_changed)
        self._audio = QComboBox(self)
        self._audio_label = QLabel(self.tr("&Audio track:"), self)
        self._audio_label.setBuddy(self._audio)
        audio_row = QFormLayout()
        audio_row.addRow(self._audio_label, self._audio)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._status)
        layout.addWidget(self._formats, 1)
        layout.addLayout(audio_row)
        self.clear()

    # ------------------------------------------------------------ states

    def clear(self) -> None:
        """Nothing asked: hidden."""
        self.url = ""
        self._media = None
        self._reveal.stop()
        self._formats.clear()
        self._audio.clear()
        self.hide()

    def waiting(self, url: str) -> None:
        """``url`` was asked about; the answer has not come yet."""
        self.clear()
        self.url = url
        self._status.setText(self.tr("Looking for videos on this page…"))
        self._formats.hide()
        self._show_audio(False)
        self._reveal.start()

    def show_media(self, media: Media) -> None:
        """The worker's answer (ignored unless it is about the link asked)."""
        if media.url != self.url:
            return
        self._media = media
        if media.error_code or media.error:
            self._status.setText(error_text(media.error_code, media.error))
            self._status.setToolTip(media.error)
            self._reveal.stop()
            self.show()
            return
        if not media.formats:  # a file: nothing to choose
            self.clear()
            return
        self._status.setText(with_args(self.tr("“%1”: choose the quality to download."),
                                       media.title) if media.title
                             else self.tr("Choose the quality to download."))
        self._fill(media)
        self._formats.show()
        self._reveal.stop()
        self.show()

    def choice(self) -> str:
        """The formats chosen (``DownloadOptions.media``); empty when there is
        nothing to choose from."""
        item = self._formats.currentItem()
        if self._media is None or not self._media.formats or item is None:
            return ""
        chosen = str(item.data(0, ID_ROLE))
        audio = self._audio.currentData()
        if self._audio.isEnabled() and audio:
            return f"{chosen}+{audio}"
        return chosen

    @property
    def status(self) -> str:
        return self._status.text()

    @property
    def formats(self) -> QTreeWidget:
        """The formats' list (best first), one row each."""
        return self._formats

    # ------------------------------------------------------------ rows

    def _fill(self, media: Media) -> None:
        self._formats.clear()
        self._audio.clear()
        best = media.best.split("+")
        tracks = [f for f in media.formats if f.audio_only]
        for track in reversed(tracks):  # the best first
            self._audio.addItem(self._track_name(track), track.id)
        if len(best) > 1 and best[1] in {t.id for t in tracks}:
            self._audio.setCurrentIndex(self._audio.findData(best[1]))
        selected = None
        for number, fmt in enumerate(reversed(media.formats)):  # the best first
            item = QTreeWidgetItem(self._cells(fmt))
            item.setData(0, ID_ROLE, fmt.id)
            for column in (3, 4):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight
                                      | Qt.AlignmentFlag.AlignVCenter)
            self._formats.addTopLevelItem(item)
            if fmt.id == best[0] or (selected is None and number == 0 and best[0] not in
                                     {f.id for f in media.formats}):
                selected = item
        if selected is not None:
            self._formats.setCurrentItem(selected)
        self._selection_changed()

    def _cells(self, fmt: MediaFormat) -> list[str]:
        locale = display_locale()
        if fmt.audio_only:
            quality = fmt.note or self.tr("Audio")
        elif fmt.height:
            quality = f"{fmt.width}\u00d7{fmt.height}" if fmt.width else f"{fmt.height}p"
        else:
            quality = self.tr("Unknown")
        if fmt.audio_only:
            contents = self.tr("Audio only")
        elif fmt.video_only:
            contents = self.tr("Video only")
        elif fmt.vcodec and fmt.acodec:
            contents = self.tr("Video and audio")
        else:
            contents = self.tr("Video")
        codecs = " + ".join(c.split(".")[0] for c in (fmt.vcodec, fmt.acodec)
                            if c and c != "none")
        bitrate = (with_args(self.tr("%1 kbit/s"), locale.toString(round(fmt.bitrate)))
                   if fmt.bitrate else "")
        size = format_size(locale, fmt.size) if fmt.size else ""
        if size and fmt.size_estimated:
            size = with_args(self.tr("about %1"), size)
        kind = (self.tr("Stream (HLS)") if fmt.stream
                else with_args(self.tr("File (.%1)"), fmt.ext) if fmt.ext else self.tr("File"))
        return [quality, contents, codecs, bitrate, size, kind]

    def _track_name(self, fmt: MediaFormat) -> str:
        if fmt.note:
            return with_args(self.tr("Audio: %1"), fmt.note)
        return with_args(self.tr("Audio (%1)"), fmt.id)

    def _selection_changed(self) -> None:
        item = self._formats.currentItem()
        needs_audio = False
        if item is not None and self._media is not None:
            chosen = next((f for f in self._media.formats if f.id == item.data(0, ID_ROLE)),
                          None)
            needs_audio = chosen is not None and chosen.video_only
        self._show_audio(needs_audio and self._audio.count() > 0)

    def _show_audio(self, shown: bool) -> None:
        self._audio.setEnabled(shown)
        self._audio.setVisible(shown)
        self._audio_label.setVisible(shown)
