"""Settings ▸ Categories against the fake worker: the switches and the edited
lists are saved and sent; a list that does not read is refused, with a reason,
and not sent."""

from __future__ import annotations

from pathlib import Path

from engine.categories import DEFAULT_RULES
from gui.settings import Settings
from tests.gui.test_settings import commands


def rules_sent(log: Path) -> dict[str, dict]:
    return {rule["category"]: rule for rule in commands(log, "set_options")[-1]["category_rules"]}


def test_sorting_dated_folders_and_the_lists_are_saved_and_sent(
        qtbot, make_window, settings, tmp_path, monkeypatch) -> None:
    log = tmp_path / "commands.jsonl"
    monkeypatch.setenv("FAKE_WORKER_LOG", str(log))
    window = make_window()
    qtbot.waitUntil(lambda: len(commands(log, "set_options")) == 1, timeout=5000)
    first = commands(log, "set_options")[0]
    assert first["sort_by_category"] is False and first["dated_folders"] is False  # FDM's way
    assert rules_sent(log)["video"]["extensions"] == list(DEFAULT_RULES[0].extensions)

    window.open_settings()
    tab = window.settings_dialog.categories
    assert not tab.dated.isEnabled()  # only with sorting
    tab.sort.setChecked(True)
    tab.dated.setChecked(True)
    tab.extensions["archives"].setText(" .NZB, zip  7z ")
    tab.extensions["archives"].editingFinished.emit()
    assert tab.extensions["archives"].text() == "nzb zip 7z"  # as the worker will read it
    qtbot.waitUntil(lambda: len(commands(log, "set_options")) == 2, timeout=5000)
    sent = commands(log, "set_options")[-1]
    assert sent["sort_by_category"] is True and sent["dated_folders"] is True
    assert rules_sent(log)["archives"]["extensions"] == ["nzb", "zip", "7z"]
    saved = Settings(settings)
    assert saved.sort_by_category and saved.dated_folders
    assert next(r for r in saved.category_rules if r.category == "archives").extensions == (
        "nzb", "zip", "7z")

    tab.mime_types["music"].setText("audio")  # not a type
    tab.mime_types["music"].editingFinished.emit()
    assert not tab.problem.isHidden() and "Music" in tab.problem.text()
    tab.extensions["video"].setText("mp4 m/kv")
    tab.extensions["video"].editingFinished.emit()
    assert "Video" in tab.problem.text()
    qtbot.wait(600)
    assert len(commands(log, "set_options")) == 2  # nothing that does not read was sent
    assert Settings(settings).category_rules[0] == DEFAULT_RULES[0]

    tab.restore_defaults()
    assert tab.problem.isHidden() and tab.extensions["archives"].text().startswith("7z")
    qtbot.waitUntil(lambda: len(commands(log, "set_options")) == 3, timeout=5000)
    assert Settings(settings).category_rules == DEFAULT_RULES
    assert rules_sent(log)["archives"]["extensions"] == list(DEFAULT_RULES[3].extensions)
