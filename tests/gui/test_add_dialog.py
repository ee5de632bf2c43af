"""The Add dialog on its own: checksum parsing, reports, the request it builds."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument

from gui.add_dialog import AddDialog, parse_checksum

HEX = "ab" * 32


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ""),
        (f"sha256={HEX}", f"sha256={HEX}"),
        (f"SHA-256:{HEX.upper()}", f"sha256={HEX}"),
        (HEX, f"sha256={HEX}"),  # a bare 64-digit hex is SHA-256
        ("md5=" + "0" * 32, "md5=" + "0" * 32),
        ("0" * 32, None),  # bare and not 64 digits: which algorithm?
        ("sha256=xyz", None),
    ],
)
def test_parse_checksum(text: str, expected: str | None) -> None:
    assert parse_checksum(text) == expected


def test_request_carries_the_options(qtbot, tmp_path) -> None:
    dialog = AddDialog(None, text="http://127.0.0.1/x.iso\n", directory=str(tmp_path))
    qtbot.addWidget(dialog)
    dialog._checksum.setText(HEX)
    dialog._connections.setValue(3)
    dialog._paused.setChecked(True)
    request = dialog.request()
    assert request.urls == ("http://127.0.0.1/x.iso",)
    assert request.directory == str(tmp_path)
    assert request.options.checksum == f"sha256={HEX}"
    assert request.options.connections == 3 and request.options.paused


def test_no_folder_or_no_url_disables_add(qtbot) -> None:
    dialog = AddDialog(None, text="", directory="")
    qtbot.addWidget(dialog)
    ok = dialog._buttons.button(dialog._buttons.StandardButton.Ok)
    assert not ok.isEnabled() and "Choose a folder" in dialog.report
    dialog._directory.setText("/tmp")
    dialog._urls.setPlainText("http://127.0.0.1/a")
    dialog._check()
    assert ok.isEnabled() and ok.text() == "Add"


def test_ten_thousand_lines_with_bad_ones(qtbot, tmp_path) -> None:
    lines = [f"http://127.0.0.1/{i}" if i % 10 else f"junk {i}" for i in range(10_000)]
    started = time.perf_counter()
    dialog = AddDialog(None, text="\n".join(lines), directory=str(tmp_path))
    qtbot.addWidget(dialog)
    elapsed = time.perf_counter() - started
    assert "1000 lines are not an http(s) URL" in dialog.report
    assert "and 995 more" in dialog.report and "9000 URLs" in dialog.report
    assert dialog._buttons.button(dialog._buttons.StandardButton.Ok).text() == "Add 9000"
    print(f"\nAdd dialog with 10,000 lines ready in {elapsed * 1000:.0f} ms")
    assert elapsed < 2.0


def test_ctrl_enter_adds_and_tab_leaves_the_urls(qtbot) -> None:
    dialog = AddDialog(None, text="http://127.0.0.1/one.bin", directory="/tmp")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog._urls.setFocus()
    qtbot.keyClick(dialog._urls, Qt.Key.Key_Tab)
    assert dialog._urls.toPlainText() == "http://127.0.0.1/one.bin"  # no tab typed
    assert not dialog._urls.hasFocus()
    dialog._urls.setFocus()
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        qtbot.keyClick(dialog._urls, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_the_checksum_hint_shows_its_placeholder(qtbot) -> None:
    dialog = AddDialog(None, text="http://127.0.0.1/one.bin", directory="/tmp")
    qtbot.addWidget(dialog)
    dialog._checksum.setText("nonsense")
    shown = QTextDocument()
    shown.setHtml(dialog.report)  # the label shows rich text
    assert "sha256=<hex digits>" in shown.toPlainText()


def test_a_pattern_shows_its_expanded_count_as_it_is_typed(qtbot, tmp_path) -> None:
    dialog = AddDialog(None, text="", directory=str(tmp_path))
    qtbot.addWidget(dialog)
    ok = dialog._buttons.button(dialog._buttons.StandardButton.Ok)
    qtbot.keyClicks(dialog._urls, "http://127.0.0.1/file[001-100].zip")
    qtbot.waitUntil(lambda: "100 URLs to add" in dialog.report)
    assert "1 pattern(s) expanded" in dialog.report and ok.text() == "Add 100"
    assert dialog.request().urls[0] == "http://127.0.0.1/file001.zip"
    assert dialog.request().urls[-1] == "http://127.0.0.1/file100.zip"
    qtbot.keyClick(dialog._urls, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog._urls, "http://127.0.0.1/{a,b}/[1-20000]")
    qtbot.waitUntil(lambda: "10,000 can be added at once" in dialog.report)
    assert "Line 2 is skipped: The link pattern makes 40,000 links" in dialog.report
    assert len(dialog.request().urls) == 100
    dialog._urls.setPlainText("http://127.0.0.1/f[3-1].zip")
    dialog._check()
    assert "Line 1 is skipped: The link pattern has a bad range" in dialog.report
    assert not ok.isEnabled()
