"""Screenshots of the app for docs/screenshots/, with real downloads from a local server.

Run under a virtual display, from the repository root::

    xvfb-run -a -s "-screen 0 1280x800x24" python docs/screenshots/capture.py
    xvfb-run -a -s "-screen 0 1280x800x24" python docs/screenshots/capture.py zh_CN

It starts the fault-injecting test server on 127.0.0.1 (nothing else is
contacted), a throw-away GREENGET_HOME and HOME, a system tray (``trayer``, if
installed), the window and its worker; queues downloads that end up in every
state; and captures the screen with ImageMagick's ``import -window root``.
With a language argument the app runs in that language (``LANG``) and only the
window, details and settings shots are taken, named ``<shot>-<language>.png``.
A Chinese run needs a CJK font (``fonts-wqy-microhei``, installed by
``scripts/install --test``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
SCRATCH = Path(tempfile.mkdtemp(prefix="greenget-shots-"))
os.environ["GREENGET_HOME"] = str(SCRATCH / "state")
os.environ["HOME"] = str(SCRATCH / "home")  # settings and ~/Downloads of our own
os.environ.pop("XDG_CONFIG_HOME", None)
LANGUAGE = sys.argv[1] if len(sys.argv) > 1 else ""
# English: dates and numbers as most readers expect.
os.environ["LANG"] = f"{LANGUAGE or 'en_US'}.UTF-8"
TRANSLATED_SHOTS = {"queue.png", "details.png", "settings.png", "settings-network.png",
                    "settings-desktop.png"}
TRAY_HEIGHT = 28
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QPoint, QRect, QSettings, QSize, Qt  # noqa: E402
from PySide6.QtGui import QColor, QGuiApplication, QPalette  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from engine.protocol import Add, DownloadOptions, Pause, SetOptions, State  # noqa: E402
from gui.engine_client import EngineClient  # noqa: E402
from gui.i18n import install_translators  # noqa: E402
from gui.icons import app_icon  # noqa: E402
from gui.main_window import MainWindow  # noqa: E402
from gui.model import Column  # noqa: E402
from gui.settings import Settings  # noqa: E402

MB = 1_000_000


def pump(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


def wait_until(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the app did not get there in time")
        pump(0.05)


def shoot(name: str, area: QRect | None = None) -> None:
    """The whole screen, or ``area`` of it (Xvfb has no window manager, so a
    dialog has no frame to tell it from the window behind)."""
    if LANGUAGE:
        if name not in TRANSLATED_SHOTS:
            return
        name = name.replace(".png", f"-{LANGUAGE}.png")
    pump(0.3)
    crop = [] if area is None else [
        "-crop", f"{area.width()}x{area.height()}+{area.x()}+{area.y()}", "+repage"
    ]
    subprocess.run(["import", "-window", "root", *crop, str(OUT / name)], check=True)
    print("wrote", OUT / name)


def dark_palette() -> QPalette:
    palette = QPalette()
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    for r, color in (
        (role.Window, "#2b2d30"), (role.WindowText, "#dfe1e5"), (role.Base, "#1e1f22"),
        (role.AlternateBase, "#26282b"), (role.Text, "#dfe1e5"), (role.Button, "#34363a"),
        (role.ButtonText, "#dfe1e5"), (role.Highlight, "#2f65ca"),
        (role.HighlightedText, "#ffffff"), (role.PlaceholderText, "#8c8f94"),
        (role.ToolTipBase, "#3c3f41"), (role.ToolTipText, "#dfe1e5"),
        (role.Light, "#45484d"), (role.Midlight, "#3a3c40"), (role.Mid, "#2f3134"),
        (role.Dark, "#1b1c1f"), (role.Shadow, "#111214"),
    ):
        palette.setColor(r, QColor(color))
    for r in (role.WindowText, role.Text, role.ButtonText):
        palette.setColor(group.Disabled, r, QColor("#6f737a"))
    return palette


def shoot_tray(window: MainWindow) -> None:
    """The tray icon's menu, then a notification, in the screen's bottom right."""
    screen = QApplication.primaryScreen().geometry()
    corner = QRect(screen.right() - 520, screen.bottom() - 300, 521, 301)
    icon = window.tray.icon.geometry()
    menu = window.tray.menu
    menu.popup(QPoint(icon.left(), icon.top() - menu.sizeHint().height()))
    shoot("tray-menu.png", corner)
    menu.close()
    window.tray.notify(
        QApplication.translate("Notifier", "Download complete"), "linux-6.11.tar.xz"
    )
    shoot("tray-notification.png", corner)
    for widget in QApplication.topLevelWidgets():  # Qt's balloon, on a tray without its own
        if widget.metaObject().className() == "QBalloonTip":
            widget.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_tray() -> subprocess.Popen[bytes] | None:
    """A panel with a system tray along the bottom of the screen, if trayer is installed."""
    if shutil.which("trayer") is None:
        return None
    tray = subprocess.Popen(
        ["trayer", "--edge", "bottom", "--align", "right", "--widthtype", "percent",
         "--width", "100", "--height", str(TRAY_HEIGHT), "--transparent", "true",
         "--alpha", "0", "--tint", "0x3c3f41", "--SetDockType", "true"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)
    return tray


def start_server() -> tuple[subprocess.Popen[bytes], str]:
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.servers.faulty", "--exit-on-stdin-eof"],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )
    assert server.stdout is not None
    port = int(server.stdout.readline())
    return server, f"http://127.0.0.1:{port}"


def shoot_ten_thousand(window: MainWindow, base: str) -> None:
    """The window at its default size with 10,000 more downloads (paused, so
    nothing more is fetched), scrolled to the middle of the list."""
    geometry = window.geometry()
    window.resize(1100, 640)  # MainWindow's own first-run size
    before = window.model.rowCount()
    urls = [f"{base}/data/{(i % 97 + 1) * 1_000_000}/photo-{i:05}.jpg" for i in range(10_000)]
    window.queue_urls(urls, options=DownloadOptions(paused=True))
    wait_until(lambda: window.model.rowCount() >= before + 10_000, timeout=120)
    pump(1.0)
    bar = window.view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    window.view.selectRow(window.proxy.rowCount() // 2 + 3)
    pump(1.0)
    shoot("queue-10000.png", window.frameGeometry())
    window.setGeometry(geometry)
    bar.setValue(0)
    pump(0.5)


def main() -> int:
    server, base = start_server()
    tray = start_tray()

    def data(name: str, size: int, **query: object) -> str:
        params = "&".join(f"{k}={v}" for k, v in query.items())
        return f"{base}/data/{size}/{name}" + (f"?{params}" if params else "")

    app = QApplication(sys.argv)
    app.setApplicationName("Greenget")
    app.setWindowIcon(app_icon())
    install_translators(app)
    settings = Settings(QSettings(str(SCRATCH / "settings.ini"), QSettings.Format.IniFormat))
    downloads = SCRATCH / "home" / "Downloads"
    settings.download_dir = str(downloads)
    client = EngineClient()
    window = MainWindow(client, settings)
    screen = app.primaryScreen().availableGeometry()
    if tray is not None:  # no window manager keeps the window off the tray's strip
        screen.setBottom(screen.bottom() - TRAY_HEIGHT)
    window.setGeometry(screen)
    window.show()
    client.start()
    wait_until(lambda: client.hello is not None)
    client.send(SetOptions(max_active=4, retry_delay=45, retry_delay_max=90))
    shoot("empty.png")

    def state_of(url: str) -> State | None:
        for r in range(window.model.rowCount()):
            row = window.model.row_at(r)
            if row.info.url == url:
                return row.info.state
        return None

    directory = str(downloads)
    finished = [
        data("release-notes-2.4.pdf", 380_000),
        data("wallpapers-4k.zip", 6 * MB, seed=2),
        data("greenget-src-0.1.tar.gz", 2 * MB, seed=3),
        data("old-mirror-link.iso", 1_000, status=404, fail=1000),
    ]
    client.send(Add(tuple(finished), directory))
    wait_until(lambda: all(state_of(u) in (State.COMPLETED, State.FAILED) for u in finished))

    running = [
        data("debian-12.7.0-amd64-DVD-1.iso", 3_900 * MB, seed=4, throttle=1_400_000),
        data("ubuntu-24.04.1-desktop-amd64.iso", 6_100 * MB, seed=5, throttle=900_000),
        data("conference-talk-recording.mp4", 900 * MB, seed=6, throttle=500_000, length=0),
    ]
    to_pause = data("blender-4.2-linux-x64.tar.xz", 340 * MB, seed=7, throttle=1_000_000)
    client.send(Add((*running, to_pause), directory))
    wait_until(lambda: all(state_of(u) is State.DOWNLOADING for u in (*running, to_pause)))
    pump(3.0)
    paused_row = next(
        window.model.row_at(r)
        for r in range(window.model.rowCount())
        if window.model.row_at(r).info.url == to_pause
    )
    client.send(Pause(ids=(paused_row.info.id,)))
    wait_until(lambda: state_of(to_pause) is State.PAUSED)

    busy = data("nightly-build.AppImage", 120 * MB, status=503, fail=1000)
    client.send(Add((busy,), directory))
    wait_until(lambda: state_of(busy) is State.RETRYING)
    waiting = (
        data("archlinux-2024.09.01-x86_64.iso", 1_100 * MB, seed=8),
        data("linux-6.11.tar.xz", 145 * MB, seed=9),
    )
    client.send(Add(waiting, directory, DownloadOptions()))
    wait_until(lambda: all(state_of(u) is State.QUEUED for u in waiting))
    pump(2.5)

    def select(name: str) -> None:
        window.view.selectRow(
            next(r for r in range(window.proxy.rowCount())
                 if window.proxy.index(r, 0).data() == name)
        )

    select("blender-4.2-linux-x64.tar.xz")
    window.view.setFocus()
    shoot("queue.png")

    # The queue's order ("#") and a waiting row's menu: start now, moves, rename, delete.
    window.view.sortByColumn(Column.QUEUE, Qt.SortOrder.AscendingOrder)
    select("linux-6.11.tar.xz")
    pump(0.5)
    cell = window.view.visualRect(window.view.currentIndex())
    window.view.customContextMenuRequested.emit(cell.center() + QPoint(120, 0))
    wait_until(lambda: QApplication.activePopupWidget() is not None)
    shoot("context-menu.png", window.frameGeometry())
    QApplication.activePopupWidget().close()
    window.view.sortByColumn(Column.ADDED, Qt.SortOrder.AscendingOrder)

    # A file small enough for the segment map to show a fair share done.
    client.send(SetOptions(max_active=5))
    # Through a redirect, so the details show where it led.
    medium = data("fedora-41-workstation.iso", 150 * MB, seed=10, throttle=600_000).replace(
        "/data/", "/redirect/1/data/"
    )
    client.send(Add((medium,), directory))
    wait_until(lambda: state_of(medium) is State.DOWNLOADING)
    select("fedora-41-workstation.iso")
    window.show_details()  # hidden until asked: the list has the room
    pump(10.0)  # polls of the segment map, seconds of speed graph
    shoot("details.png")
    window.details_dock.hide()

    window.open_settings()
    settings_dialog = window.settings_dialog
    assert settings_dialog is not None
    settings_dialog.resize(settings_dialog.sizeHint().expandedTo(QSize(560, 0)))
    shoot("settings.png", settings_dialog.frameGeometry())
    # A manual proxy: the test server doubles as one, so the running downloads go on.
    settings_dialog.tabs.setCurrentIndex(1)
    settings_dialog.proxy_manual.setChecked(True)
    settings_dialog.proxy_port.setValue(int(base.rsplit(":", 1)[1]))
    for field, text in ((settings_dialog.proxy_host, "127.0.0.1"),
                        (settings_dialog.proxy_user, "alice"),
                        (settings_dialog.proxy_password, "correct horse")):
        field.setText(text)
        field.editingFinished.emit()
    shoot("settings-network.png", settings_dialog.frameGeometry())
    settings_dialog.tabs.setCurrentWidget(settings_dialog.complete_sound.parentWidget())
    settings_dialog.complete_sound.check.setChecked(True)
    shoot("settings-desktop.png", settings_dialog.frameGeometry())
    settings_dialog.proxy_system.setChecked(True)
    settings_dialog.tabs.setCurrentWidget(settings_dialog.rpc_enabled.parentWidget())
    settings_dialog.rpc_port.setValue(free_port())
    settings_dialog.rpc_enabled.setChecked(True)
    wait_until(lambda: bool(settings_dialog.rpc_secret.text()))
    shoot("settings-rpc.png", settings_dialog.frameGeometry())
    settings_dialog.rpc_enabled.setChecked(False)
    settings_dialog.close()

    QGuiApplication.clipboard().setText(
        "Mirrors for the next release:\n"
        f"{base}/data/52000000/fedora-41-x86_64.iso\n"
        f"{base}/data/8000000/firmware-update.bin\n"
        "ftp://old.example/files/readme.txt\n"
    )
    window.acts.add.trigger()
    dialog = window.add_dialog
    assert dialog is not None
    dialog._urls.appendPlainText("not a link, just a note")
    dialog._checksum.setText("sha256=" + "3f" * 32)
    dialog._check()
    shoot("add-dialog.png", dialog.frameGeometry())
    dialog._checksum.setText("")
    dialog._urls.setPlainText(f"{base}/data/2000000/photos/img[001-250].jpg\n"
                              f"{base}/data/4000000/{{intro,main,credits}}-[1-4].mp4\n"
                              f"{base}/data/1000/logs/[a-z][a-z][a-z].txt\n")
    dialog._check()
    shoot("add-dialog-pattern.png", dialog.frameGeometry())
    dialog.reject()

    if window.tray.available and not LANGUAGE:
        shoot_tray(window)

    if not LANGUAGE:
        shoot_ten_thousand(window, base)

    # Xvfb has no desktop theme to switch to dark; give the app the palette a
    # dark desktop would (the window uses palette roles only, so it follows).
    app.setPalette(dark_palette())
    pump(2.0)
    shoot("queue-dark.png")

    window.quit()  # close() would only hide it to the tray
    wait_until(lambda: not window.isVisible() and client.pid == 0, timeout=20)
    server.stdin.close()  # type: ignore[union-attr]
    server.wait(10)
    if tray is not None:
        tray.terminate()
        tray.wait(10)
    shutil.rmtree(SCRATCH)
    return 0


if __name__ == "__main__":
    sys.exit(main())
