"""The Chinese translation: complete, in step with the code, and picked from LANG."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "translations" / "greenget_zh_CN.ts"
QM = TS.with_suffix(".qm")

PROBE = """
import json, sys
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication
from engine.protocol import State
from gui.engine_client import EngineClient
from gui.i18n import install_translators
from gui.main_window import MainWindow
from gui.settings import Settings
from gui.states import state_label

app = QApplication([])
loaded = install_translators(app)
window = MainWindow(EngineClient(), Settings(QSettings(sys.argv[1], QSettings.Format.IniFormat)))
window.refresh()
print(json.dumps({
    "loaded": loaded,
    "add": window.acts.add.text(),
    "menus": [a.text() for a in window.menuBar().actions()],
    "header": window.model.headerData(0, Qt.Orientation.Horizontal),
    "state": state_label(State.DOWNLOADING),
    "counts": window._counts.text(),
}, ensure_ascii=False))
"""


def probe(tmp_path: Path, lang: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANGUAGE"))}
    env.update(LANG=lang, QT_QPA_PLATFORM="offscreen", GREENGET_HOME=str(tmp_path / "home"))
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path / "settings.ini")],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.splitlines()[-1])


def test_chinese_under_a_chinese_locale(tmp_path) -> None:
    shown = probe(tmp_path, "zh_CN.UTF-8")
    assert any(path.endswith("greenget_zh_CN.qm") for path in shown["loaded"])
    assert shown["add"] == "添加(&A)…"
    assert shown["menus"] == ["文件(&F)", "下载(&D)", "查看(&V)", "帮助(&H)"]
    assert shown["state"] == "下载中" and shown["header"] == "名称"
    assert shown["counts"] == "0 个进行中 · 0 个排队中 · 0 个已完成"


def test_english_needs_no_translation(tmp_path) -> None:
    shown = probe(tmp_path, "en_US.UTF-8")
    assert not any("greenget" in path for path in shown["loaded"])
    assert shown["add"] == "&Add…"
    assert shown["counts"] == "0 active · 0 queued · 0 completed"


def messages() -> list[tuple[str, ET.Element]]:
    root = ET.parse(TS).getroot()
    return [
        (context.findtext("name"), message)
        for context in root.iter("context")
        for message in context.iter("message")
    ]


def test_every_string_is_translated_with_its_place_holders() -> None:
    found = messages()
    assert len(found) > 150
    for context, message in found:
        source = message.findtext("source")
        translation = message.find("translation")
        assert translation.get("type") is None, f"{context}: {source!r} is not finished"
        text = "".join(translation.itertext())
        assert text.strip(), f"{context}: {source!r}"
        assert sorted(re.findall(r"%\w", source)) == sorted(re.findall(r"%\w", text)), source
        assert ("&" in source.replace("&&", "")) == ("&" in text.replace("&&", "")), source


def test_the_catalogue_is_in_step_with_the_code(tmp_path) -> None:
    # PySide6 installs its tools beside the interpreter; the README's test command
    # runs .venv/bin/python without putting .venv/bin on PATH.
    beside = str(Path(sys.executable).parent)
    lupdate, lrelease = (shutil.which(tool, path=f"{beside}{os.pathsep}{os.environ['PATH']}")
                         for tool in ("pyside6-lupdate", "pyside6-lrelease"))
    if lupdate is None or lrelease is None:
        pytest.skip("pyside6-lupdate/lrelease are not installed")
    copy = tmp_path / TS.name
    shutil.copyfile(TS, copy)
    sources = sorted(str(p) for p in (ROOT / "gui").glob("*.py"))
    out = subprocess.run(
        [lupdate, *sources, "-no-obsolete", "-ts", str(copy)],
        capture_output=True, text=True, check=True,
    )
    found = re.search(r"Found (\d+) source text\(s\) \((\d+) new", out.stdout)
    assert found is not None, out.stdout
    total, new = int(found[1]), int(found[2])
    assert new == 0, f"{new} strings are not in the .ts yet: run pyside6-lupdate"
    assert total == len(messages()), "strings gone from the code are still in the .ts"
    qm = tmp_path / QM.name
    subprocess.run([lrelease, str(TS), "-qm", str(qm)], capture_output=True, check=True)
    assert qm.read_bytes() == QM.read_bytes(), "the .qm is stale: run pyside6-lrelease"


REASONS = """
import json
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from engine.protocol import DownloadInfo, ErrorCode, State
from gui.errors import error_text
from gui.i18n import install_translators
from gui.model import Column, DownloadTableModel

app = QApplication([])
install_translators(app)
model = DownloadTableModel()
model.load_snapshot([
    DownloadInfo(i, "http://127.0.0.1/x", "/tmp", State.FAILED, error="The English detail.",
                 error_code=code)
    for i, code in enumerate(ErrorCode, start=1)
])
print(json.dumps({
    "texts": {code.value: error_text(code, "The English detail.") for code in ErrorCode},
    "rows": [model.index(r, Column.STATE).data() for r in range(model.rowCount())],
}, ensure_ascii=False))
"""


def reasons(tmp_path: Path, lang: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANGUAGE"))}
    env.update(LANG=lang, QT_QPA_PLATFORM="offscreen", GREENGET_HOME=str(tmp_path / "home"))
    out = subprocess.run([sys.executable, "-c", REASONS], capture_output=True, text=True,
                         env=env, cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.splitlines()[-1])


def test_every_failure_reason_is_chinese_under_a_chinese_locale(tmp_path) -> None:
    shown = reasons(tmp_path, "zh_CN.UTF-8")
    for code, text in shown["texts"].items():
        assert re.search(r"[\u4e00-\u9fff]", text), f"{code}: {text!r}"
        assert "English" not in text, code
    for row in shown["rows"]:  # the row of a failed download: state and reason, Chinese
        assert row.startswith("失败") and "English" not in row, row


def test_every_failure_code_has_its_own_text(tmp_path) -> None:
    texts = reasons(tmp_path, "en_US.UTF-8")["texts"]
    assert "The English detail." not in texts.values()  # none falls back to the detail
    assert len(set(texts.values())) >= len(texts) - 2  # and they say different things
