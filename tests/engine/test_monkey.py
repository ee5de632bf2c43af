"""engine.monkey.patch_all: gevent's plugins are still found and called (a real plugin,
installed as a distribution with an entry point), and importlib.metadata is left as it was."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_gevent_plugins_are_still_called_once_per_event(tmp_path) -> None:
    site = tmp_path / "site"
    (site / "greenget_test_plugin-1.0.dist-info").mkdir(parents=True)
    (site / "greenget_test_plugin-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: greenget-test-plugin\nVersion: 1.0\n")
    (site / "greenget_test_plugin-1.0.dist-info" / "entry_points.txt").write_text(
        "[gevent.plugins.monkey.will_patch_module]\nseen = greenget_test_plugin:seen\n"
        "[gevent.plugins.monkey.did_patch_all]\ndone = greenget_test_plugin:done\n")
    (site / "greenget_test_plugin.py").write_text(
        "import os\n"
        "def note(text):\n"
        "    with open(os.environ['PLUGIN_LOG'], 'a') as log: log.write(text + '\\n')\n"
        "def seen(event): note(event.module_name)\n"
        "def done(event): note('all done')\n")
    log = tmp_path / "plugin.log"
    code = ("import importlib.metadata as m; before = m.entry_points; "
            "from engine.monkey import patch_all; patch_all(); "
            "import socket, gevent.socket; assert socket.socket is gevent.socket.socket; "
            "assert m.entry_points is before")
    env = {**os.environ, "PYTHONPATH": f"{site}{os.pathsep}{ROOT}", "PLUGIN_LOG": str(log)}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = log.read_text().splitlines()
    assert lines[-1] == "all done" and lines.count("all done") == 1
    assert {"socket", "ssl", "time", "select"} <= set(lines)
    assert len(lines) == len(set(lines))  # each module announced once
