"""Answering the window's modal message boxes from a test."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox


def answer_next_box(button_text: str, seen: list[str]) -> None:
    """Click ``button_text`` (without its ``&``) in the next message box the
    window opens, noting its text in ``seen``.  The box is modal: poll for it
    from the event loop that its ``exec()`` runs."""

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            for button in box.buttons():
                if button.text().replace("&", "") == button_text:
                    button.click()
                    return
            raise AssertionError(f"no {button_text!r} in {[b.text() for b in box.buttons()]}")
        QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)
