"""The window at 10,000 downloads: event-loop stalls, relaunch time and memory.

Drives the real window and the real worker (``python -m engine`` from this
checkout) in this process, against the fault server of ``tests/servers`` on
127.0.0.1 throttling every response, so ``--active`` downloads stay busy while
the rest wait.  Prints the table of issue 17::

    xvfb-run -s '-screen 0 1366x850x24' python bench/window.py
    QT_QPA_PLATFORM=offscreen python bench/window.py --rows 2000   # quicker

A stall is the longest gap between two ticks of a 2 ms precise timer: the time
the window could not answer the person.  Everything runs in fresh temporary
folders (state, settings, downloads) that are removed at the end.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("QT_QPA_PLATFORM", "xcb" if os.environ.get("DISPLAY") else "offscreen")

from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from engine.protocol import ACTIVE_STATES  # noqa: E402
from gui.engine_client import EngineClient  # noqa: E402
from gui.main_window import MainWindow  # noqa: E402
from gui.model import Column  # noqa: E402
from gui.settings import Settings  # noqa: E402
from tests.servers.harness import run_fault_server  # noqa: E402

FILE_SIZE = 20_000_000  # per download; the throttle keeps it far from finishing
THROTTLE = 16_000  # bytes/s per response


class StallMeter:
    """The longest gap between ticks of a 2 ms precise timer since ``reset``."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._last = time.perf_counter()
        self._timer = QTimer(interval=2)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self._last)
        self._last = now

    def reset(self) -> None:
        self.worst = 0.0
        self._last = time.perf_counter()


def run_for(seconds: float, until: Callable[[], bool] | None = None, poll_ms: int = 100) -> bool:
    """Run the event loop for ``seconds`` or until ``until()`` (polled) is true."""
    loop = QEventLoop()
    deadline = time.monotonic() + seconds
    met = False

    def check() -> None:
        nonlocal met
        if until is not None and until():
            met = True
            loop.quit()
        elif time.monotonic() >= deadline:
            loop.quit()

    timer = QTimer(interval=poll_ms if until is not None else max(1, int(seconds * 1000)))
    timer.timeout.connect(check)
    timer.start()
    loop.exec()
    timer.stop()
    return met


def active(window: MainWindow) -> int:
    model = window.model
    return sum(model.row_at(r).info.state in ACTIVE_STATES for r in range(model.rowCount()))


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Bench:
    def __init__(self, folder: Path, rows: int, active_count: int) -> None:
        self.folder = folder
        self.rows = rows
        self.active = active_count
        self.results: dict[str, str] = {}
        self.meter = StallMeter()
        self.window: MainWindow | None = None
        self.client: EngineClient | None = None

    def open_window(self) -> MainWindow:
        settings = Settings(QSettings(str(self.folder / "settings.ini"),
                                      QSettings.Format.IniFormat))
        settings.download_dir = str(self.folder / "downloads")
        settings.max_active = self.active
        settings.connections = 1
        settings.default_connections = 1
        settings.notifications = False
        self.client = EngineClient()
        self.window = MainWindow(self.client, settings, tray_available=False)
        self.window.show()
        return self.window

    def close_window(self) -> None:
        assert self.window is not None and self.client is not None
        self.window.quit()
        run_for(30, lambda: not self.window.isVisible())
        self.client.stop_and_wait()
        self.window.deleteLater()
        run_for(0.3)

    def timed(self, name: str, action: Callable[[], None],
              settle: float = 0.4) -> tuple[float, float]:
        """Worst stall of ``action`` and the ``settle`` seconds after it, and
        the CPU time the action itself took (less noisy on a busy machine)."""
        self.meter.reset()
        cpu = time.thread_time()
        action()
        cpu = time.thread_time() - cpu
        run_for(settle)
        worst = self.meter.worst
        print(f"  {name}: worst stall {worst * 1000:.0f} ms (its CPU {cpu * 1000:.0f} ms)",
              flush=True)
        return worst, cpu

    def steady(self, seconds: float) -> tuple[float, float]:
        """Worst stall over ``seconds``, and the share of a core the window used."""
        self.meter.reset()
        cpu = time.thread_time()
        run_for(seconds)
        return self.meter.worst, (time.thread_time() - cpu) / seconds

    def run(self, urls: list[str]) -> None:
        window = self.open_window()
        assert self.client is not None
        self.client.start()
        run_for(20, lambda: self.client.hello is not None)
        print(f"pasting {len(urls):,} URLs", flush=True)
        QGuiApplication.clipboard().setText("\n".join(urls))
        urls.clear()  # the bench's own copy: not the window's memory
        self.meter.reset()
        window.acts.paste.trigger()
        run_for(180, lambda: window.model.rowCount() >= self.rows
                and active(window) >= self.active, poll_ms=250)
        paste = self.meter.worst
        # A person copies the links in another program, which keeps them; here
        # the bench is that program, so it lets go of them before RSS is read.
        QGuiApplication.clipboard().clear()
        print(f"  paste: worst stall {paste * 1000:.0f} ms; {active(window)} active", flush=True)

        run_for(2)
        steady, steady_cpu = self.steady(5)
        print(f"  steady: worst stall {steady * 1000:.0f} ms, window CPU {steady_cpu:.0%}",
              flush=True)

        view = window.view
        sorts = [self.timed(f"sort by {column.name.lower()} {order.name[:-5].lower()}",
                            lambda c=column, o=order: view.sortByColumn(c, o))
                 for column in (Column.NAME, Column.SIZE, Column.PROGRESS, Column.ADDED)
                 for order in (Qt.SortOrder.DescendingOrder, Qt.SortOrder.AscendingOrder)]
        filters = [
            self.timed("filter: type 'b12'", lambda: QTest.keyClicks(window.filter_box, "b12")),
            self.timed("filter: clear", window.filter_box.clear),
            self.timed("category: Other", lambda: window.categories.sidebar.choose("other")),
            self.timed("category: Video (none)",
                       lambda: window.categories.sidebar.choose("video")),
            self.timed("category: all", lambda: window.categories.sidebar.choose("")),
        ]
        view.setFocus()
        select_all = self.timed("Ctrl+A", lambda: QTest.keyClick(
            view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier), settle=0.6)
        selected_steady, selected_cpu = self.steady(3)
        print(f"  steady with every row selected: {selected_steady * 1000:.0f} ms, window CPU "
              f"{selected_cpu:.0%}", flush=True)
        view.clearSelection()
        rss = rss_mb()

        self.close_window()
        print("relaunching", flush=True)
        window = self.open_window()
        started = time.perf_counter()
        self.meter.reset()
        self.client.start()
        shown = run_for(60, lambda: window.proxy.rowCount() >= self.rows, poll_ms=5)
        relaunch = time.perf_counter() - started
        relaunch_stall = self.meter.worst
        print(f"  relaunch: {relaunch:.2f} s to {window.proxy.rowCount():,} rows "
              f"(worst stall {relaunch_stall * 1000:.0f} ms)", flush=True)
        run_for(3)
        rss = max(rss, rss_mb())
        self.close_window()

        def ms(seconds: float) -> str:
            return f"{seconds * 1000:.0f} ms"

        def action(pair: tuple[float, float]) -> str:
            return f"{ms(pair[0])} (CPU {ms(pair[1])})"

        worst_sort = max(sorts)
        self.results = {
            "steady-state worst event-loop stall": f"{ms(steady)} (window CPU {steady_cpu:.0%})",
            f"paste {self.rows:,} URLs, worst stall": ms(paste),
            "header click to sort (worst of 8)": action(worst_sort),
            "type a filter / clear it": f"{action(filters[0])} / {action(filters[1])}",
            "category Other / Video / all": " / ".join(action(f) for f in filters[2:]),
            "Ctrl+A, then steady": f"{action(select_all)}, then {ms(selected_steady)} "
                                   f"(window CPU {selected_cpu:.0%})",
            f"relaunch with {self.rows:,} downloads": (
                f"{relaunch:.2f} s to all rows (worst stall {ms(relaunch_stall)})"
                if shown else f"not all rows after {relaunch:.0f} s"),
            "window RSS": f"{rss:.0f} MB",
        }


def machine() -> str:
    load = os.getloadavg()
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "gui", "engine"],
                           capture_output=True, text=True).stdout.strip()
    return (f"{platform.node()}: {os.cpu_count()} cores, load average "
            f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; Qt platform "
            f"{QGuiApplication.platformName()}; commit {commit}{' + changes' if dirty else ''}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000, help="downloads pasted (10000)")
    parser.add_argument("--active", type=int, default=100, help="downloads at once (100)")
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory(prefix="greenget-bench-window-") as tmp:
        folder = Path(tmp)
        (folder / "downloads").mkdir()
        os.environ["GREENGET_HOME"] = str(folder / "home")
        with run_fault_server(folder / "fault-server.log", "WARNING") as server:
            urls = [server.data_url(FILE_SIZE, name=f"b{i:05}.bin", throttle=THROTTLE)
                    + "&pad=" + "x" * 150 for i in range(args.rows)]
            bench = Bench(folder, args.rows, args.active)
            bench.run(urls)
        print(f"\n{machine()}\n")
        print(f"| with {args.rows:,} rows, {args.active} active | measured |")
        print("|---|---|")
        for name, value in bench.results.items():
            print(f"| {name} | {value} |")
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
