"""A screenshot of the Add dialog's format chooser (docs/screenshots/add-dialog-media.png).

Run under a virtual display, from the repository root::

    xvfb-run -a -s "-screen 0 1280x800x24" python docs/screenshots/capture_media.py
    xvfb-run -a -s "-screen 0 1280x800x24" python docs/screenshots/capture_media.py zh_CN

ffmpeg makes a real HLS stream (three video-only variants, two audio tracks)
and a page that plays it; a real nginx serves them on 127.0.0.1; the window
and its worker (yt-dlp reading the page in the worker's child process) in a
throw-away GREENGET_HOME and HOME.  With a language argument the app runs in
that language and the shot is named ``add-dialog-media-<language>.png``.
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
SCRATCH = Path(tempfile.mkdtemp(prefix="greenget-media-shot-"))
LANGUAGE = sys.argv[1] if len(sys.argv) > 1 else ""
os.environ["GREENGET_HOME"] = str(SCRATCH / "state")
os.environ["HOME"] = str(SCRATCH / "home")
os.environ.pop("XDG_CONFIG_HOME", None)
os.environ["LANG"] = f"{LANGUAGE or 'en_US'}.UTF-8"
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from gui.engine_client import EngineClient  # noqa: E402
from gui.i18n import install_translators  # noqa: E402
from gui.icons import app_icon  # noqa: E402
from gui.main_window import MainWindow  # noqa: E402
from gui.settings import Settings  # noqa: E402
from tests.servers.harness import find_nginx, run_nginx  # noqa: E402

VARIANTS = (("1280x720", 2_800_000), ("854x480", 1_400_000), ("640x360", 800_000))
AUDIO = (("English", "en"), ("Français", "fr"))


def pump(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


def ffmpeg(folder: Path, *arguments: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", *arguments,
                    "-f", "hls", "-hls_time", "2", "-hls_playlist_type", "vod", "index.m3u8"],
                   cwd=folder, check=True)


def make_page(root: Path) -> None:
    lines = ["#EXTM3U"]
    for name, language in AUDIO:
        ffmpeg(root / language, "-f", "lavfi", "-i", "sine=duration=6", "-c:a", "aac")
        lines.append(f'#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="{name}",'
                     f'LANGUAGE="{language}",DEFAULT={"YES" if language == "en" else "NO"},'
                     f'AUTOSELECT=YES,URI="{language}/index.m3u8"')
    for size, bandwidth in VARIANTS:
        height = size.split("x")[1]
        ffmpeg(root / height, "-f", "lavfi", "-i", f"testsrc2=duration=6:size={size}:rate=25",
               "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-an")
        lines += [f'#EXT-X-STREAM-INF:BANDWIDTH={bandwidth},RESOLUTION={size},'
                  f'CODECS="avc1.64001f,mp4a.40.2",AUDIO="aud"', f"{height}/index.m3u8"]
    (root / "master.m3u8").write_text("\n".join(lines) + "\n")
    (root / "talk.html").write_text(
        "<!DOCTYPE html><html><head><title>Keynote: downloading on one thread</title></head>"
        '<body><video controls><source src="master.m3u8" type="application/x-mpegURL">'
        "</video></body></html>")


def main() -> int:
    nginx_binary = find_nginx()
    assert nginx_binary is not None, "nginx is not installed"
    with run_nginx(nginx_binary, SCRATCH / "nginx") as nginx:
        make_page(nginx.root / "talks")
        app = QApplication(sys.argv)
        app.setApplicationName("Greenget")
        app.setWindowIcon(app_icon())
        install_translators(app)
        settings = Settings(QSettings(str(SCRATCH / "settings.ini"),
                                      QSettings.Format.IniFormat))
        settings.download_dir = str(SCRATCH / "home" / "Downloads")
        client = EngineClient()
        window = MainWindow(client, settings)
        window.setGeometry(app.primaryScreen().availableGeometry())
        window.show()
        client.start()
        while client.hello is None:
            pump(0.05)
        QGuiApplication.clipboard().setText(nginx.url("talks/talk.html"))
        window.acts.add.trigger()
        dialog = window.add_dialog
        assert dialog is not None
        deadline = time.monotonic() + 60
        while dialog.chooser.formats.topLevelItemCount() < len(VARIANTS) + len(AUDIO):
            if time.monotonic() > deadline:
                raise TimeoutError(f"the chooser says {dialog.chooser.status!r}")
            pump(0.1)
        dialog.resize(dialog.width() + 120, dialog.height())
        pump(0.5)
        area = dialog.frameGeometry()
        name = f"add-dialog-media{'-' + LANGUAGE if LANGUAGE else ''}.png"
        subprocess.run(["import", "-window", "root", "-crop",
                        f"{area.width()}x{area.height()}+{area.x()}+{area.y()}", "+repage",
                        str(OUT / name)], check=True)
        print("wrote", OUT / name)
        dialog.reject()
        client.stop_and_wait()
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
