"""Screenshots of the category sidebar and of Settings ▸ Categories
(docs/screenshots/categories.png, settings-categories.png), with real downloads.

Run under a virtual display, from the repository root::

    xvfb-run -a -s "-screen 0 1366x850x24" python docs/screenshots/capture_categories.py
    xvfb-run -a -s "-screen 0 1366x850x24" python docs/screenshots/capture_categories.py zh_CN

The fault-injecting test server serves the files on 127.0.0.1 (some slowed
down so their rows are still downloading); a throw-away GREENGET_HOME and
HOME; the window (sorting into category folders turned on) and its worker.
With a language argument the shots are named ``<shot>-<language>.png``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
SCRATCH = Path(tempfile.mkdtemp(prefix="greenget-categories-shot-"))
os.environ["GREENGET_HOME"] = str(SCRATCH / "state")
os.environ["HOME"] = str(SCRATCH / "home")
os.environ.pop("XDG_CONFIG_HOME", None)
LANGUAGE = sys.argv[1] if len(sys.argv) > 1 else ""
os.environ["LANG"] = f"{LANGUAGE or 'en_US'}.UTF-8"
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QSettings, QSize  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from engine.protocol import Add, State  # noqa: E402
from gui.engine_client import EngineClient  # noqa: E402
from gui.i18n import install_translators  # noqa: E402
from gui.icons import app_icon  # noqa: E402
from gui.main_window import MainWindow  # noqa: E402
from gui.settings import Settings  # noqa: E402

MB = 1_000_000
FILES = {  # name: (size, throttle or 0)
    "conference-keynote.mp4": (900 * MB, 700_000),
    "holiday-clip.mkv": (40 * MB, 0),
    "album-track-01.flac": (30 * MB, 0),
    "podcast-episode-112.mp3": (60 * MB, 400_000),
    "annual-report-2026.pdf": (2 * MB, 0),
    "meeting-notes.docx": (300_000, 0),
    "thesis-draft.odt": (1 * MB, 0),
    "linux-6.11.tar.xz": (145 * MB, 900_000),
    "backup-photos.7z": (12 * MB, 0),
    "greenget_0.1_amd64.deb": (8 * MB, 0),
    "setup-tool.exe": (5 * MB, 0),
    "wallpaper-4k.png": (6 * MB, 0),
    "scan-0042.jpg": (900_000, 0),
    "firmware.bin": (3 * MB, 0),
}


def pump(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


def shoot(name: str, window_or_dialog: object = None) -> None:
    if LANGUAGE:
        name = name.replace(".png", f"-{LANGUAGE}.png")
    pump(0.5)
    crop = []
    if window_or_dialog is not None:
        area = window_or_dialog.frameGeometry()  # type: ignore[attr-defined]
        crop = ["-crop", f"{area.width()}x{area.height()}+{area.x()}+{area.y()}", "+repage"]
    subprocess.run(["import", "-window", "root", *crop, str(OUT / name)], check=True)
    print("wrote", OUT / name)


def main() -> int:
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.servers.faulty", "--exit-on-stdin-eof"],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert server.stdout is not None
    base = f"http://127.0.0.1:{int(server.stdout.readline())}"
    app = QApplication(sys.argv)
    app.setApplicationName("Greenget")
    app.setWindowIcon(app_icon())
    install_translators(app)
    settings = Settings(QSettings(str(SCRATCH / "settings.ini"), QSettings.Format.IniFormat))
    downloads = SCRATCH / "home" / "Downloads"
    settings.download_dir = str(downloads)
    settings.sort_by_category = True
    settings.max_active = 4
    client = EngineClient()
    window = MainWindow(client, settings)
    window.setGeometry(app.primaryScreen().availableGeometry())
    window.show()
    client.start()
    while client.hello is None:
        pump(0.05)
    urls = []
    for seed, (name, (size, throttle)) in enumerate(FILES.items()):
        query = f"?seed={seed}" + (f"&throttle={throttle}" if throttle else "")
        urls.append(f"{base}/data/{size}/{name}{query}")
    client.send(Add(tuple(urls), str(downloads)))

    def states() -> list[State]:
        return [window.model.row_at(r).info.state for r in range(window.model.rowCount())]

    deadline = time.monotonic() + 90
    while not (len(states()) == len(FILES)
               and states().count(State.COMPLETED) == len(FILES) - 3):
        if time.monotonic() > deadline:
            raise TimeoutError(f"rows are {states()}")
        pump(0.2)
    pump(3.0)
    window.categories.sidebar.choose("documents")
    shoot("categories.png")
    window.categories.sidebar.choose("")
    window.open_settings()
    dialog = window.settings_dialog
    assert dialog is not None
    dialog.tabs.setCurrentWidget(dialog.categories)
    dialog.resize(dialog.sizeHint().expandedTo(QSize(760, 0)))
    pump(0.5)
    shoot("settings-categories.png", dialog)
    dialog.close()
    window.quit()
    client.stop_and_wait()
    assert server.stdin is not None
    server.stdin.close()
    server.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
