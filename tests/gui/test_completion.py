"""When a download ends: sounds through a real player, notifications with buttons
through a real notification server (dunst on a D-Bus session bus of our own)."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import time
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl

from engine.protocol import DownloadInfo, State
from gui.main_window import MainWindow
from gui.sounds import COMPLETE_SOUND, FAILED_SOUND, SoundPlayer
from tests.servers.harness import stop_process


def wav_frames(path: Path) -> bytes:
    with wave.open(str(path), "rb") as sound:
        return sound.readframes(sound.getnframes())


def completed(window: MainWindow, download_id: int, name: str, directory: str) -> None:
    """A row that is running, then completes (as the worker would say it)."""
    window.model.add_downloads([DownloadInfo(
        download_id, f"http://127.0.0.1/{name}", directory, State.DOWNLOADING, name=name,
        size=10, done=5)])
    window._client.downloadChanged.emit(download_id, {
        "state": "completed", "done": 10, "path": os.path.join(directory, name)})


# ---------------------------------------------------------------- sounds


def test_our_sounds_are_short_audible_wav_files() -> None:
    for path in (COMPLETE_SOUND, FAILED_SOUND):
        with wave.open(str(path), "rb") as sound:
            seconds = sound.getnframes() / sound.getframerate()
            assert sound.getsampwidth() == 2 and sound.getnchannels() == 1
        assert 0.3 <= seconds <= 2.0, path
        samples = memoryview(wav_frames(path)).cast("h")
        loudest = max(abs(s) for s in samples)
        assert 8000 < loudest < 32767, f"{path.name}: too quiet or clipped ({loudest})"
    assert wav_frames(COMPLETE_SOUND) != wav_frames(FAILED_SOUND)


@pytest.fixture
def alsa_to_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """ALSA's own player as the only one on the PATH, with ALSA's default device
    writing what it is given to a file: the sound as the sound system got it."""
    aplay = shutil.which("aplay")
    if aplay is None:
        pytest.skip("aplay is not installed (apt-get install alsa-utils)")
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "aplay").symlink_to(aplay)
    out = tmp_path / "played.raw"
    config = tmp_path / "asound.conf"
    config.write_text(f'pcm.!default {{ type file; slave.pcm "null"; file "{out}"; '
                      'format "raw" }\npcm.null { type null }\n')
    monkeypatch.setenv("PATH", str(tools))
    monkeypatch.setenv("ALSA_CONFIG_PATH", str(config))
    return out


def test_a_completion_plays_its_sound_without_blocking(qtbot, make_window,
                                                       alsa_to_file: Path) -> None:
    window = make_window()
    window.notifier._timer.setInterval(10)
    window._settings.notifications = False  # the sound alone
    window._settings.sound_on_complete = True
    started = time.perf_counter()
    with qtbot.waitSignal(window.notifier.noticeReady, timeout=5000):
        completed(window, 1, "a.bin", "/srv")
    assert time.perf_counter() - started < 1.0
    qtbot.waitUntil(lambda: alsa_to_file.exists() and alsa_to_file.stat().st_size > 0,
                    timeout=10_000)
    qtbot.waitUntil(lambda: not window.announcer.sounds._playing, timeout=10_000)
    frames = wav_frames(COMPLETE_SOUND)
    assert alsa_to_file.read_bytes()[: len(frames)] == frames  # our chime, all of it


def test_the_chosen_sound_plays_and_a_failure_has_its_own(qtbot, make_window, tmp_path,
                                                          alsa_to_file: Path) -> None:
    window = make_window()
    window.notifier._timer.setInterval(10)
    window.open_settings()
    dialog = window.settings_dialog
    assert dialog is not None
    mine = tmp_path / "mine.wav"
    with wave.open(str(mine), "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        sound.writeframes(bytes(range(256)) * 40)
    choice = dialog.failure_sound
    assert not choice.file.isEnabled()  # off until ticked
    choice.check.setChecked(True)
    choice.file.setText(str(mine))
    choice.file.editingFinished.emit()
    assert window._settings.sound_on_failure and window._settings.failure_sound == str(mine)
    choice.play.click()  # Settings' "Play": heard at once
    qtbot.waitUntil(lambda: alsa_to_file.exists() and alsa_to_file.stat().st_size > 0,
                    timeout=10_000)
    qtbot.waitUntil(lambda: not dialog.sound_player._playing, timeout=10_000)
    assert alsa_to_file.read_bytes()[:10240] == wav_frames(mine)
    alsa_to_file.unlink()

    window.model.add_downloads([DownloadInfo(2, "http://127.0.0.1/b", "/srv",
                                             State.DOWNLOADING, name="b")])
    window._client.downloadChanged.emit(2, {"state": "failed", "error": "Gone."})
    qtbot.waitUntil(lambda: alsa_to_file.exists() and alsa_to_file.stat().st_size >= 10240,
                    timeout=10_000)
    assert alsa_to_file.read_bytes()[:10240] == wav_frames(mine)


def test_without_a_player_sounds_are_silent_and_say_so_once(
        qtbot, tmp_path, monkeypatch, caplog) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no player at all
    player = SoundPlayer()
    with caplog.at_level(logging.INFO, logger="gui.sounds"):
        assert player.play(COMPLETE_SOUND) is False
        assert player.play(FAILED_SOUND) is False
    said = [r.getMessage() for r in caplog.records if "no sound player" in r.getMessage()]
    assert len(said) == 1 and "pw-play" in said[0] and "aplay" in said[0]
    assert player.play(tmp_path / "missing.wav") is False


# ---------------------------------------------------------------- notifications


@dataclass
class Desktop:
    env: dict[str, str]
    folder: Path  # the stand-in for dmenu's files: what to pick, what was offered

    def _context(self, pick: str) -> str:
        """Open dunst's action menu (as its keyboard shortcut does), have our
        stand-in for dmenu pick the line containing ``pick``, and wait for it
        to be done; what the menu offered ("" when it did not open)."""
        runs = self.folder / "runs"
        (self.folder / "pick").write_text(pick)
        for _attempt in range(3):  # dunst ignores a request while it is still busy with one
            before = runs.stat().st_size if runs.exists() else 0
            subprocess.run(["dunstctl", "context"], env=self.env, check=True, timeout=10)
            deadline = time.monotonic() + 1.5
            while time.monotonic() < deadline:
                if runs.exists() and runs.stat().st_size > before:
                    time.sleep(0.2)  # dunst reads the choice and acts on it
                    return (self.folder / "menu").read_text()
                time.sleep(0.05)
        return ""

    def choose(self, text: str) -> None:
        """Click the button of the line containing ``text``, as a person would."""
        assert text in self._context(text), f"no {text!r} in dunst's menu"

    def menu(self) -> str:
        """What dunst's action menu offers now (nothing is chosen)."""
        return self._context("\x01nothing")

    def shown(self) -> int:
        out = subprocess.run(["dunstctl", "count", "displayed"], env=self.env,
                             capture_output=True, text=True, timeout=10)
        return int(out.stdout.strip() or 0)


@pytest.fixture
def session_bus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """A D-Bus session bus of this test's own, in this process's environment."""
    daemon = shutil.which("dbus-daemon")
    if daemon is None:
        pytest.skip("dbus-daemon is not installed")
    process = subprocess.Popen([daemon, "--session", "--nofork", "--print-address=1"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    address = process.stdout.readline().decode().strip()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    try:
        yield {**os.environ, "DBUS_SESSION_BUS_ADDRESS": address}
    finally:
        stop_process(process)


@pytest.fixture
def dunst(session_bus: dict[str, str], xvfb: str, tmp_path: Path) -> Iterator[Desktop]:
    """dunst, Debian's notification server, on that bus and an X display."""
    if shutil.which("dunst") is None or shutil.which("dunstctl") is None:
        pytest.skip("dunst is not installed (apt-get install dunst)")
    folder = tmp_path / "dmenu"
    folder.mkdir()
    chooser = folder / "choose"
    chooser.write_text(f'#!/bin/sh\ncd "{folder}"\npick="$(cat pick)"\ncat > menu.new\n'
                       'mv menu.new menu\ngrep -m1 -F "$pick" menu\necho >> runs\n')
    chooser.chmod(0o755)
    config = tmp_path / "dunstrc"
    config.write_text(f"[global]\n    dmenu = {chooser}\n"
                      "[urgency_normal]\n    timeout = 0\n[urgency_critical]\n    timeout = 0\n")
    env = {**session_bus, "DISPLAY": xvfb}
    process = subprocess.Popen(["dunst", "-config", str(config)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    desktop = Desktop(env, folder)
    deadline = time.monotonic() + 10
    while subprocess.run(["dunstctl", "is-paused"], env=env, capture_output=True,
                         timeout=10).returncode != 0:
        assert process.poll() is None and time.monotonic() < deadline, "dunst did not start"
        time.sleep(0.1)
    try:
        yield desktop
    finally:
        stop_process(process)


def test_notification_buttons_open_the_file_and_its_folder(
        qtbot, make_window, monkeypatch, dunst: Desktop) -> None:
    window = make_window()
    window.notifier._timer.setInterval(10)
    opened: list[str] = []
    monkeypatch.setattr("gui.commands.QDesktopServices.openUrl",
                        lambda url: opened.append(QUrl(url).toLocalFile()) or True)
    assert window.announcer.desktop.available

    completed(window, 1, "report & notes.pdf", "/srv/dl")
    qtbot.waitUntil(lambda: "Open folder" in dunst.menu(), timeout=10_000)
    offered = dunst.menu()
    assert "#Open (Download complete)" in offered and "#Show (Download complete)" in offered
    dunst.choose("Open folder")
    qtbot.waitUntil(lambda: opened == ["/srv/dl"], timeout=10_000)
    qtbot.waitUntil(lambda: dunst.shown() == 0, timeout=10_000)  # closed once acted on

    completed(window, 2, "b.iso", "/srv/iso")
    qtbot.waitUntil(lambda: "#Open (" in dunst.menu(), timeout=10_000)
    dunst.choose("#Open (")
    qtbot.waitUntil(lambda: opened[1:] == ["/srv/iso/b.iso"], timeout=10_000)
    qtbot.waitUntil(lambda: dunst.shown() == 0, timeout=10_000)

    window.view.clearSelection()
    window.model.add_downloads([DownloadInfo(3, "http://127.0.0.1/c", "/srv",
                                             State.DOWNLOADING, name="c")])
    window._client.downloadChanged.emit(3, {"state": "failed", "error": "Gone."})
    qtbot.waitUntil(lambda: "Download failed" in dunst.menu(), timeout=10_000)
    assert "#Open" not in dunst.menu()  # a failure has nothing to open
    dunst.choose("#Show (Download failed)")
    qtbot.waitUntil(lambda: [r.info.id for r in window.selected_rows()] == [3], timeout=10_000)


def test_a_bus_without_a_notification_server_falls_back(qtbot, make_window,
                                                        session_bus) -> None:
    window = make_window()
    window.notifier._timer.setInterval(10)
    assert not window.announcer.desktop.available
    completed(window, 1, "a.bin", "/srv")
    qtbot.waitUntil(lambda: window.statusBar().currentMessage()
                    == "Download complete: a.bin", timeout=5000)


# ---------------------------------------------------------------- open when done


def test_open_when_done_is_kept_with_the_download_through_a_worker_crash(
        qtbot, make_client, settings, state_home, download_dir, fault_server,
        monkeypatch) -> None:
    """Ticked in the Add dialog, stored by the real worker, still there after
    the worker is killed mid-download; the file opens when it completes, and
    a download added without it does not."""
    from PySide6.QtGui import QGuiApplication

    from gui.settings import Settings

    client = make_client(None)
    prefs = Settings(settings)
    prefs.download_dir = str(download_dir)
    prefs.notifications = False
    window = MainWindow(client, prefs, tray_available=False)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(client.snapshotReceived, timeout=20_000):
        client.start()
    opened: list[str] = []
    monkeypatch.setattr("gui.commands.QDesktopServices.openUrl",
                        lambda url: opened.append(QUrl(url).toLocalFile()) or True)

    wanted = fault_server.data_url(1_500_000, name="wanted.bin", throttle=300_000)
    QGuiApplication.clipboard().setText(wanted)
    window.acts.add.trigger()
    dialog = window.add_dialog
    assert dialog is not None and not dialog.open_when_done.isChecked()
    dialog.open_when_done.setChecked(True)
    dialog.accept()
    window.queue_urls([fault_server.data_url(2_000, name="plain.bin")])
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=10_000)
    qtbot.waitUntil(lambda: (download_dir / "plain.bin").exists(), timeout=20_000)
    qtbot.waitUntil(lambda: _recorded(state_home) > 0, timeout=20_000)

    old = client.pid
    with qtbot.waitSignal(client.workerLost, timeout=10_000):
        os.kill(old, signal.SIGKILL)
    with qtbot.waitSignal(client.snapshotReceived, timeout=30_000) as snapshot:
        pass
    by_name = {Path(d.url.split("?")[0]).name: d for d in snapshot.args[0]}
    assert by_name["wanted.bin"].open_when_done and not by_name["plain.bin"].open_when_done
    assert by_name["wanted.bin"].state is not State.COMPLETED  # still to finish
    qtbot.waitUntil(lambda: opened == [str(download_dir / "wanted.bin")], timeout=60_000)
    qtbot.wait(300)
    assert opened == [str(download_dir / "wanted.bin")]  # plain.bin was not opened


def _recorded(state_home: Path) -> int:
    """Bytes the worker's store counts as done (read beside the worker)."""
    import contextlib
    import sqlite3

    try:
        with contextlib.closing(sqlite3.connect(state_home / "downloads.sqlite3",
                                                timeout=5)) as db:
            return int(db.execute("SELECT COALESCE(SUM(done), 0) FROM segments")
                       .fetchone()[0])
    except sqlite3.OperationalError:
        return 0
