"""The line between the two processes, checked on the code itself.

The window may use, from ``engine/``, only the contract: ``engine.protocol``
and the few standard-library-only modules that hold a policy both sides must
agree on (which links are accepted, how a link is masked, what a checksum looks
like, the settings' defaults and ranges, origins, the pairing link, a link's
file name, how a batch pattern expands, the list formats, which category a
file belongs in).  Everything else
reaches the engine through the worker process; the launcher alone hands over to
the engine's entry points, lazily.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SHARED = frozenset({
    "engine.protocol", "engine.settings", "engine.urls", "engine.checksums",
    "engine.naming", "engine.filenames", "engine.origins", "engine.pairing",
    "engine.urlglob", "engine.listfile",
    # The categories' lists and folders: the worker sorts and moves files by them,
    # the window edits the lists and guesses a row's category before its name is known.
    "engine.categories",
    "engine.allocator",  # glibc tuning: the window frees its bursts of rows as the worker does
})
# Loaded by the contract (the name module reserves names through the I/O seam),
# standard library only too, but not for the window to call.
CONTRACT_DEPENDENCIES = frozenset({"engine.diskio"})
# The launcher's hand-off to the worker / CLI entry points and the state folder, and
# (a frozen app has no ``python -m``) to the worker's yt-dlp child.
LAUNCHER_HAND_OFF = frozenset({"engine.cli", "engine.home", "engine.worker", "engine.__main__",
                               "engine.media_extractor"})


def _engine_imports(tree: ast.Module) -> list[tuple[str, bool]]:
    """(module, at module level) for every import of an engine module."""
    found = []
    top_level = {id(node) for node in tree.body}
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "engine":
                names = [f"engine.{alias.name}" for alias in node.names]
            elif node.module.startswith("engine."):
                names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names if a.name.startswith("engine")]
        found += [(name, id(node) in top_level) for name in names]
    return found


def test_the_window_imports_only_the_contract_from_the_engine() -> None:
    wrong = []
    for path in sorted((ROOT / "gui").rglob("*.py")):
        for module, top in _engine_imports(ast.parse(path.read_text(encoding="utf-8"))):
            allowed = module in SHARED or (
                path.name == "launcher.py" and not top and module in LAUNCHER_HAND_OFF)
            if not allowed:
                wrong.append(f"{path.relative_to(ROOT)} imports {module}")
    assert not wrong, "\n".join(wrong)


def test_the_contract_loads_neither_gevent_nor_requests_nor_qt_nor_other_engine_code() -> None:
    code = ("import sys\n"
            f"for name in {sorted(SHARED)!r}: __import__(name)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "{'gevent', 'greenlet', 'PySide6', 'requests', 'urllib3', 'platformdirs'}))\n"
            "print(sorted(m for m in sys.modules if m.startswith('engine.')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout.splitlines()
    assert out[0] == "[]"
    assert set(ast.literal_eval(out[1])) <= SHARED | CONTRACT_DEPENDENCIES
