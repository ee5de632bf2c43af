"""The Settings dialog: every change is saved and applied to the worker at once."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from engine.origins import parse_origins
from engine.protocol import RpcStatus, State
from engine.settings import MAX_CONNECTIONS
from gui.browser_pairing import PairingRows
from gui.category_settings import CategoriesTab
from gui.engine_settings import EngineSettings
from gui.errors import error_text
from gui.formatting import KB, MAX_SPEED_KB, unlimited, with_args
from gui.icons import action_icon
from gui.network import DEFAULT_HTTP_PORT, DEFAULT_SOCKS_PORT, ProxyChoice, ProxyMode, ProxyType
from gui.sound_settings import SoundChoice
from gui.sounds import COMPLETE_SOUND, FAILED_SOUND, SoundPlayer
from gui.states import COLORS

log = logging.getLogger(__name__)

MAX_AT_ONCE = 100
MIN_PORT = 1024


def speed_box(parent: QWidget, bytes_per_second: int) -> QSpinBox:
    """A speed in kB/s (as the table writes it); 0 reads as the word unlimited() gives."""
    box = QSpinBox(parent)
    box.setRange(0, MAX_SPEED_KB)
    box.setSingleStep(100)
    box.setSuffix(QCoreApplication.translate("SettingsDialog", " kB/s"))
    box.setSpecialValueText(unlimited())
    box.setKeyboardTracking(False)  # typing 1000 sends 1000, not 1, 10, 100 first
    box.setValue(round(bytes_per_second / KB))
    return box


class SettingsDialog(QDialog):
    """Downloads, desktop and browser-integration settings.  Non-modal, with
    no OK/Cancel: like the desktop's own settings, a change takes effect (and
    is remembered) as it is made.  ``desktopChanged``: a setting the window
    itself follows (tray, notifications, clipboard) changed."""

    desktopChanged = Signal()

    def __init__(
        self, engine: EngineSettings, *, tray_available: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._engine = engine
        s = engine.settings
        self.setWindowTitle(self.tr("Greenget settings"))
        self.setMinimumWidth(520)

        # Downloads
        self.directory = QLineEdit(s.download_dir, self)
        self.directory.setAccessibleName(self.tr("Download folder"))
        self.directory.setCursorPosition(0)
        browse = QPushButton(action_icon("open-folder", "folder-open"), self.tr("Browse…"), self)
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.directory, 1)
        folder_row.addWidget(browse)
        self.max_active = QSpinBox(self)
        self.max_active.setRange(1, MAX_AT_ONCE)
        self.max_active.setValue(s.max_active)
        self.connections = QSpinBox(self)
        self.connections.setRange(1, MAX_CONNECTIONS)
        self.connections.setValue(s.default_connections)
        self.connections.setToolTip(self.tr("For servers that allow a file in several pieces"))
        self.speed_limit = speed_box(self, s.speed_limit)
        self.speed_limit.setToolTip(self.tr("All downloads together"))
        self.download_limit = speed_box(self, s.download_limit)
        self.download_limit.setToolTip(
            self.tr("Each new download starts with this limit (change it per download from the "
                    "table's menu)")
        )
        for box in (self.max_active, self.connections):
            box.setKeyboardTracking(False)

        downloads = QWidget(self)
        form = QFormLayout(downloads)
        form.addRow(self._buddy(self.tr("Download &folder:"), self.directory), folder_row)
        form.addRow(self.tr("Downloads at &once:"), self.max_active)
        form.addRow(self.tr("&Connections per download:"), self.connections)
        form.addRow(self.tr("Overall speed &limit:"), self.speed_limit)
        form.addRow(self.tr("Limit for each &new download:"), self.download_limit)

        # Desktop
        self.close_to_tray = QCheckBox(self.tr("Closing the window keeps Greenget in the &tray"))
        self.close_to_tray.setChecked(s.close_to_tray and tray_available)
        self.close_to_tray.setEnabled(tray_available)
        if not tray_available:
            self.close_to_tray.setToolTip(
                self.tr("This desktop has no system tray: closing the window quits")
            )
        self.notifications = QCheckBox(self.tr("&Notify when a download completes or fails"))
        self.notifications.setChecked(s.notifications)
        self.sound_player = SoundPlayer(self)
        self.complete_sound = SoundChoice(
            self.tr("&Play a sound when a download completes"), s, "sound_on_complete",
            "complete_sound", COMPLETE_SOUND, self.sound_player, self)
        self.failure_sound = SoundChoice(
            self.tr("Play a sound when a download &fails"), s, "sound_on_failure",
            "failure_sound", FAILED_SOUND, self.sound_player, self)
        self.watch_clipboard = QCheckBox(self.tr("&Watch the clipboard for download links"))
        self.watch_clipboard.setChecked(s.watch_clipboard)
        self.straight_to_queue = QCheckBox(self.tr("&Queue copied links without asking"))
        self.straight_to_queue.setChecked(s.clipboard_straight_to_queue)
        self.straight_to_queue.setEnabled(s.watch_clipboard)
        desktop = QWidget(self)
        desktop_layout = QVBoxLayout(desktop)
        for check in (self.close_to_tray, self.notifications, self.complete_sound,
                      self.failure_sound, self.watch_clipboard):
            desktop_layout.addWidget(check)
        indented = QHBoxLayout()
        indented.addSpacing(24)
        indented.addWidget(self.straight_to_queue)
        desktop_layout.addLayout(indented)
        desktop_layout.addStretch(1)

        # Browser integration
        self.rpc_enabled = QCheckBox(self.tr("&Accept downloads from browser extensions"))
        self.rpc_enabled.setChecked(s.rpc_enabled)
        self.rpc_port = QSpinBox(self)
        self.rpc_port.setRange(MIN_PORT, 65535)
        self.rpc_port.setValue(s.rpc_port)
        self.rpc_port.setKeyboardTracking(False)
        self.rpc_port.setGroupSeparatorShown(False)
        self.rpc_address = QLineEdit(self)
        self.rpc_address.setReadOnly(True)
        self.rpc_address.setAccessibleName(self.tr("JSON-RPC address"))
        self.rpc_secret = QLineEdit(self)
        self.rpc_secret.setReadOnly(True)
        self.rpc_secret.setAccessibleName(self.tr("JSON-RPC secret"))
        self.rpc_secret.setPlaceholderText(self.tr("Made when the endpoint is first turned on"))
        self.copy_address = self._copy_button(self.rpc_address, self.tr("Copy the address"))
        self.copy_secret = self._copy_button(self.rpc_secret, self.tr("Copy the secret"))
        self.rpc_origins = QLineEdit(" ".join(s.rpc_origins), self)
        self.rpc_origins.setPlaceholderText(self.tr("None: extensions only"))
        self.rpc_origins.setToolTip(
            self.tr(
                "Web pages that may use Greenget, such as AriaNg served from "
                "http://localhost:6880, separated by spaces. Extensions are always allowed."
            )
        )
        self.rpc_origins_problem = QLabel(self)
        self.rpc_origins_problem.setWordWrap(True)
        self.rpc_origins_problem.setStyleSheet(f"color: {COLORS[State.FAILED].name()}")
        self.rpc_origins_problem.hide()
        self.rpc_state = QLabel(self)
        self.rpc_state.setWordWrap(True)
        about = QLabel(
            self.tr(
                "Greenget answers aria2's JSON-RPC on this computer, so browser extensions "
                "(Aria2 Explorer, Aria2 Integration) and web front ends such as AriaNg send "
                "their downloads here. Give them the address and the secret below."
            ),
            self,
        )
        about.setWordWrap(True)
        browser = QWidget(self)
        rpc_form = QFormLayout(browser)
        rpc_form.addRow(about)
        rpc_form.addRow(self.rpc_enabled)
        rpc_form.addRow(self.tr("&Port:"), self.rpc_port)
        address_row = self._with_button(self.rpc_address, self.copy_address)
        rpc_form.addRow(self._buddy(self.tr("A&ddress:"), self.rpc_address), address_row)
        secret_row = self._with_button(self.rpc_secret, self.copy_secret)
        rpc_form.addRow(self._buddy(self.tr("&Secret:"), self.rpc_secret), secret_row)
        rpc_form.addRow(self._buddy(self.tr("Allowed &web pages:"), self.rpc_origins),
                        self.rpc_origins)
        rpc_form.addRow("", self.rpc_origins_problem)
        rpc_form.addRow(self.tr("Status:"), self.rpc_state)
        self.pairing = PairingRows(browser)
        self.pairing.add_to(rpc_form)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(downloads, self.tr("Downloads"))
        self.tabs.addTab(self._network_tab(s.proxy), self.tr("Network"))
        self.tabs.addTab(desktop, self.tr("Desktop"))
        self.categories = CategoriesTab(engine, self)
        self.tabs.addTab(self.categories, self.tr("Categories"))
        self.tabs.addTab(browser, self.tr("Browser integration"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)

        self._connect()
        self._show_rpc(engine.rpc_status)
        self.pairing.show_status(engine.rpc_status)

    def _network_tab(self, proxy: ProxyChoice) -> QWidget:
        self.proxy_system = QRadioButton(self.tr("Use the &system's proxy settings"), self)
        self.proxy_system.setToolTip(
            self.tr("The http_proxy, https_proxy and no_proxy environment variables")
        )
        self.proxy_none = QRadioButton(self.tr("&No proxy: connect directly"), self)
        self.proxy_manual = QRadioButton(self.tr("&Manual proxy:"), self)
        self._proxy_modes = QButtonGroup(self)
        for mode, button in self._mode_buttons().items():
            self._proxy_modes.addButton(button)
            button.setChecked(mode is proxy.mode)
        self.proxy_type = QComboBox(self)
        self.proxy_type.addItem("HTTP", ProxyType.HTTP)
        self.proxy_type.addItem("SOCKS5", ProxyType.SOCKS5)
        self.proxy_type.setCurrentIndex(self.proxy_type.findData(proxy.kind))
        self.proxy_host = QLineEdit(proxy.host, self)
        self.proxy_host.setPlaceholderText(self.tr("Host name or IP address"))
        self.proxy_port = QSpinBox(self)
        self.proxy_port.setRange(1, 65535)
        self.proxy_port.setValue(proxy.port)
        self.proxy_port.setKeyboardTracking(False)
        self.proxy_port.setGroupSeparatorShown(False)
        self.proxy_user = QLineEdit(proxy.user, self)
        self.proxy_user.setPlaceholderText(self.tr("Optional"))
        self.proxy_password = QLineEdit(proxy.password, self)
        self.proxy_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.proxy_password.setPlaceholderText(self.tr("Optional"))
        self.proxy_address = QLabel(self)
        self.proxy_address.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.proxy_address.setWordWrap(True)

        self._manual = QWidget(self)
        manual = QFormLayout(self._manual)
        manual.setContentsMargins(24, 0, 0, 0)
        server_row = QHBoxLayout()
        server_row.addWidget(self.proxy_type)
        server_row.addWidget(self.proxy_host, 1)
        server_row.addWidget(QLabel(self.tr("Port:"), self))
        server_row.addWidget(self.proxy_port)
        manual.addRow(self._buddy(self.tr("Ser&ver:"), self.proxy_host), server_row)
        manual.addRow(self._buddy(self.tr("&User:"), self.proxy_user), self.proxy_user)
        manual.addRow(self._buddy(self.tr("Pass&word:"), self.proxy_password), self.proxy_password)
        manual.addRow(self.tr("Address:"), self.proxy_address)

        network = QWidget(self)
        layout = QVBoxLayout(network)
        for button in self._mode_buttons().values():
            layout.addWidget(button)
        layout.addWidget(self._manual)
        layout.addStretch(1)
        self._show_proxy(proxy)
        return network

    def _mode_buttons(self) -> dict[ProxyMode, QRadioButton]:
        return {
            ProxyMode.SYSTEM: self.proxy_system,
            ProxyMode.NONE: self.proxy_none,
            ProxyMode.MANUAL: self.proxy_manual,
        }

    def _buddy(self, text: str, field: QWidget) -> QLabel:
        """A label whose mnemonic focuses ``field`` (rows holding a layout get none)."""
        label = QLabel(text, self)
        label.setBuddy(field)
        return label

    def _copy_button(self, source: QLineEdit, tip: str) -> QPushButton:
        button = QPushButton(action_icon("copy", "edit-copy"), self.tr("Copy"), self)
        button.setToolTip(tip)
        button.setAccessibleName(tip)
        button.clicked.connect(lambda: QGuiApplication.clipboard().setText(source.text()))
        return button

    @staticmethod
    def _with_button(field: QLineEdit, button: QPushButton) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(field, 1)
        row.addWidget(button)
        return row

    def _connect(self) -> None:
        self.directory.editingFinished.connect(self._directory_edited)
        self.max_active.valueChanged.connect(lambda v: self._option("max_active", v))
        self.connections.valueChanged.connect(lambda v: self._option("default_connections", v))
        self.speed_limit.valueChanged.connect(lambda v: self._option("speed_limit", v * KB))
        self.download_limit.valueChanged.connect(self._download_limit_changed)
        self.close_to_tray.toggled.connect(self._close_to_tray_changed)
        self.notifications.toggled.connect(self._notifications_changed)
        self.watch_clipboard.toggled.connect(self._watch_clipboard_changed)
        self.straight_to_queue.toggled.connect(self._straight_to_queue_changed)
        self._proxy_modes.buttonToggled.connect(
            lambda _button, on: self._proxy_changed() if on else None)
        self.proxy_type.currentIndexChanged.connect(self._proxy_type_changed)
        self.proxy_port.valueChanged.connect(self._proxy_changed)
        for field in (self.proxy_host, self.proxy_user, self.proxy_password):
            field.editingFinished.connect(self._proxy_changed)
        self.rpc_enabled.toggled.connect(self._rpc_enabled_changed)
        self.rpc_port.valueChanged.connect(self._rpc_port_changed)
        self.rpc_origins.editingFinished.connect(self._rpc_origins_edited)
        self._engine.rpcStatusChanged.connect(self._show_rpc)
        self._engine.optionsChangedElsewhere.connect(self._show_options)
        self._engine.rpcStatusChanged.connect(self.pairing.show_status)

    # ------------------------------------------------------------ applying

    def _option(self, name: str, value: int) -> None:
        setattr(self._engine.settings, name, value)
        self._engine.options_changed()

    def _directory_edited(self) -> None:
        text = self.directory.text().strip()
        path = Path(text).expanduser() if text else None
        if path is None or not path.is_absolute():
            self.directory.setText(self._engine.settings.download_dir)
            return
        if str(path) != self._engine.settings.download_dir:
            self._engine.settings.download_dir = str(path)
            self._engine.options_changed()

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, self.tr("Save downloads to"), self._engine.settings.download_dir
        )
        if chosen:
            self.directory.setText(chosen)
            self._directory_edited()

    def proxy_choice(self) -> ProxyChoice:
        """The proxy as the Network tab shows it."""
        mode = next(m for m, b in self._mode_buttons().items() if b.isChecked())
        return ProxyChoice(
            mode=mode,
            kind=ProxyType(self.proxy_type.currentData()),
            host=self.proxy_host.text().strip(),
            port=self.proxy_port.value(),
            user=self.proxy_user.text(),
            password=self.proxy_password.text(),
        )

    def _proxy_type_changed(self) -> None:
        defaults = {ProxyType.HTTP: DEFAULT_HTTP_PORT, ProxyType.SOCKS5: DEFAULT_SOCKS_PORT}
        if self.proxy_port.value() in defaults.values():  # the other type's usual port
            self.proxy_port.blockSignals(True)
            self.proxy_port.setValue(defaults[ProxyType(self.proxy_type.currentData())])
            self.proxy_port.blockSignals(False)
        self._proxy_changed()

    def _proxy_changed(self) -> None:
        proxy = self.proxy_choice()
        self._show_proxy(proxy)
        if proxy == self._engine.settings.proxy:
            return
        self._engine.settings.proxy = proxy
        self._engine.options_changed()

    def _download_limit_changed(self, value: int) -> None:
        self._engine.settings.download_limit = value * KB
        self._engine.options_changed()

    def _desktop(self, name: str, on: bool) -> None:
        setattr(self._engine.settings, name, on)
        self._engine.settings.sync()
        self.desktopChanged.emit()

    def _close_to_tray_changed(self, on: bool) -> None:
        self._desktop("close_to_tray", on)

    def _notifications_changed(self, on: bool) -> None:
        self._desktop("notifications", on)

    def _watch_clipboard_changed(self, on: bool) -> None:
        self.straight_to_queue.setEnabled(on)
        self._desktop("watch_clipboard", on)

    def _straight_to_queue_changed(self, on: bool) -> None:
        self._desktop("clipboard_straight_to_queue", on)

    def _rpc_enabled_changed(self, on: bool) -> None:
        self._engine.settings.rpc_enabled = on
        self._engine.rpc_changed()

    def _rpc_port_changed(self, port: int) -> None:
        self._engine.settings.rpc_port = port
        if self._engine.settings.rpc_enabled:
            self._engine.rpc_changed()

    def _rpc_origins_edited(self) -> None:
        origins, rejected = parse_origins(self.rpc_origins.text())
        self.rpc_origins_problem.setVisible(bool(rejected))
        self.rpc_origins_problem.setText(
            with_args(self.tr("Not a web address, ignored: %1"), " ".join(rejected))
        )
        self.rpc_origins.setText(" ".join(origins))
        if origins == self._engine.settings.rpc_origins:
            return
        self._engine.settings.rpc_origins = origins
        if self._engine.settings.rpc_enabled:
            self._engine.rpc_changed()

    # ------------------------------------------------------------ showing

    def _show_options(self) -> None:
        """Show the options a JSON-RPC client changed, without sending them back."""
        s = self._engine.settings
        self.directory.setText(s.download_dir)
        for box, value in ((self.max_active, s.max_active),
                           (self.connections, s.default_connections),
                           (self.speed_limit, round(s.speed_limit / KB)),
                           (self.download_limit, round(s.download_limit / KB))):
            box.blockSignals(True)
            box.setValue(value)
            box.blockSignals(False)

    def _show_proxy(self, proxy: ProxyChoice) -> None:
        self._manual.setEnabled(proxy.mode is ProxyMode.MANUAL)
        if proxy.complete:
            self.proxy_address.setText(proxy.masked() if proxy.mode is ProxyMode.MANUAL else "")
        else:
            self.proxy_address.setText(self.tr("Enter the proxy's host name or address"))

    def _show_rpc(self, status: RpcStatus | None) -> None:
        enabled = self._engine.settings.rpc_enabled
        port = status.port if status is not None and status.port else self.rpc_port.value()
        self.rpc_address.setText(f"http://127.0.0.1:{port}/jsonrpc")
        if status is not None and status.secret:
            self.rpc_secret.setText(status.secret)
        self.copy_secret.setEnabled(bool(self.rpc_secret.text()))
        color = ""
        if status is None:
            text = self.tr("Starting…") if enabled else self.tr("Off")
        elif status.error:
            text, color = error_text(status.error_code, status.error), COLORS[State.FAILED].name()
        elif status.enabled:
            text = with_args(self.tr("Listening on 127.0.0.1, port %1"), status.port)
            color = COLORS[State.COMPLETED].name()
        else:
            text = self.tr("Off")
        self.rpc_state.setText(text)
        self.rpc_state.setStyleSheet(f"color: {color}" if color else "")
        self.rpc_state.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
