"""``greenget`` / ``greenget-gui``: decides what to run before importing anything heavy.

* ``greenget get …``: the headless CLI (it patches gevent first, so nothing
  here may have imported ssl, requests or gevent before the hand-off);
* ``greenget --worker``: the worker (a frozen app starts its own worker so);
* ``greenget --media-extractor``: the worker's yt-dlp child (likewise);
* ``greenget --install-desktop-entry`` / ``--uninstall-desktop-entry``: the
  applications-menu entry and icons;
* ``greenget --version`` / ``--help``: without a display, without Qt;
* otherwise the window, with any URL arguments queued.
"""

import sys

USAGE = """\
usage: greenget [URL ...]                 open the window (queueing the URLs)
       greenget get [options] URL ...     download without the window (see: greenget get -h)
       greenget --install-desktop-entry   add Greenget to your applications menu
       greenget --uninstall-desktop-entry remove it from the menu again
       greenget --version                 print the version
       greenget --worker                  run the download engine (used by the window)
"""


def main() -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 (this module stays readable by older Pythons)
        major, minor = sys.version_info[:2]
        print(f"greenget: needs Python 3.11 or newer, and {sys.executable} is Python "
              f"{major}.{minor}; install a newer Python and run "
              "PYTHON=/path/to/python3.11 scripts/install", file=sys.stderr)
        return 1
    args = sys.argv[1:]
    first = args[0] if args else ""
    if first == "get":
        from engine.cli import exit_now
        from engine.cli import main as cli_main

        exit_now(cli_main(args[1:]))
    if first == "--worker":
        import runpy

        sys.argv = [sys.argv[0], *args[1:]]
        runpy.run_module("engine", run_name="__main__", alter_sys=True)
        return 0
    if first == "--media-extractor":
        from engine.media_extractor import main as extractor_main

        return extractor_main()
    if first in ("--install-desktop-entry", "--uninstall-desktop-entry"):
        from gui.desktop_entry import main as desktop_entry_main

        return desktop_entry_main(remove=first == "--uninstall-desktop-entry")
    if first in ("-h", "--help"):
        print(USAGE, end="")
        return 0
    if first in ("-V", "--version"):
        from importlib.metadata import version

        print(f"greenget {version('greenget')}")
        return 0
    return _run_window()


def _run_window() -> int:
    import os

    from gui.startup_check import window_problem

    problem = window_problem(os.environ)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    from engine.home import state_home
    from gui.app import run
    from gui.logs import setup_logging

    state = state_home()
    setup_logging(state)
    return run(sys.argv, state)
