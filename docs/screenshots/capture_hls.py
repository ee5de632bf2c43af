"""A screenshot of HLS rows (docs/screenshots/hls.png), with real streams.

Run under a virtual display, from the repository root::

    xvfb-run -a -s "-screen 0 1280x800x24" python docs/screenshots/capture_hls.py

ffmpeg makes the streams; the fault-injecting test server serves them on
127.0.0.1 (``/files/``, one of them slowed down so its row is still
downloading); a throw-away GREENGET_HOME and HOME; the window and its worker.
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
SCRATCH = Path(tempfile.mkdtemp(prefix="greenget-hls-shot-"))
os.environ["GREENGET_HOME"] = str(SCRATCH / "state")
os.environ["HOME"] = str(SCRATCH / "home")
os.environ.pop("XDG_CONFIG_HOME", None)
os.environ["LANG"] = "en_US.UTF-8"
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from engine.protocol import Add, State  # noqa: E402
from gui.engine_client import EngineClient  # noqa: E402
from gui.i18n import install_translators  # noqa: E402
from gui.icons import app_icon  # noqa: E402
from gui.main_window import MainWindow  # noqa: E402
from gui.settings import Settings  # noqa: E402


def pump(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


def stream(folder: Path, seconds: int, fragment: float) -> None:
    folder.mkdir(parents=True)
    gop = str(round(25 * fragment))
    subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error",
         "-f", "lavfi", "-i", f"testsrc=duration={seconds}:size=640x360:rate=25",
         "-f", "lavfi", "-i", f"sine=duration={seconds}", "-c:v", "libx264",
         "-preset", "ultrafast", "-g", gop, "-keyint_min", gop, "-c:a", "aac", "-f", "hls",
         "-hls_time", str(fragment), "-hls_playlist_type", "vod", f"{folder.name}.m3u8"],
        cwd=folder, check=True)


def main() -> int:
    files = SCRATCH / "files"
    stream(files / "lecture", 8, 1.0)
    stream(files / "concert", 120, 0.5)
    live = files / "news-live"
    live.mkdir()
    (live / "news-live.m3u8").write_text(
        (files / "lecture" / "lecture.m3u8").read_text().replace("#EXT-X-ENDLIST\n", "")
        .replace("lecture", "../lecture/lecture"))
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.servers.faulty", "--exit-on-stdin-eof",
         "--files", str(files)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert server.stdout is not None
    base = f"http://127.0.0.1:{int(server.stdout.readline())}/files"
    app = QApplication(sys.argv)
    app.setApplicationName("Greenget")
    app.setWindowIcon(app_icon())
    install_translators(app)
    settings = Settings(QSettings(str(SCRATCH / "settings.ini"), QSettings.Format.IniFormat))
    downloads = SCRATCH / "home" / "Downloads"
    settings.download_dir = str(downloads)
    client = EngineClient()
    window = MainWindow(client, settings)
    window.setGeometry(app.primaryScreen().availableGeometry())
    window.show()
    client.start()
    while client.hello is None:
        pump(0.05)
    urls = (f"{base}/-/lecture/lecture.m3u8", f"{base}/-/news-live/news-live.m3u8",
            f"{base}/rate:60000/concert/concert.m3u8")
    client.send(Add(urls, str(downloads)))

    def states() -> list[State]:
        return [window.model.row_at(r).info.state for r in range(window.model.rowCount())]

    deadline = time.monotonic() + 60
    while sorted(states()) != sorted([State.COMPLETED, State.FAILED, State.DOWNLOADING]):
        if time.monotonic() > deadline:
            raise TimeoutError(f"rows are {states()}")
        pump(0.1)
    pump(4.0)
    subprocess.run(["import", "-window", "root", str(OUT / "hls.png")], check=True)
    print("wrote", OUT / "hls.png")
    client.stop_and_wait()
    window.close()
    assert server.stdin is not None
    server.stdin.close()
    server.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
