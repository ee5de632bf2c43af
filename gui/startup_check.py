"""Can Qt open a window here?  Asked before Qt is imported, because when it
cannot, Qt calls ``abort()`` and the user only sees ``Aborted``.

Stdlib only and cheap on the happy path: reading the environment, one
connect to the X server, one ``dlopen`` of Qt's xcb plugin (which Qt would
load next anyway).  Only when that ``dlopen`` fails does ``ldd`` list every
missing library, so the user installs them in one go.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import socket
import subprocess
from collections.abc import Mapping
from pathlib import Path

# Debian names a library's package after its soname (libfoo.so.1 -> libfoo1,
# libfoo-2.so.0 -> libfoo-2-0); these are the exceptions among what Qt's xcb plugin needs.
_PACKAGE_EXCEPTIONS = {
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libgobject-2.0.so.0": "libglib2.0-0",
    "libGLdispatch.so.0": "libglvnd0",
    "libz.so.1": "zlib1g",
    "libgcc_s.so.1": "libgcc-s1",
    "libbrotlidec.so.1": "libbrotli1",
    "libbrotlicommon.so.1": "libbrotli1",
    **{f"lib{name}.so.{n}": "libc6" for name, n in (("m", 6), ("pthread", 0), ("dl", 2))},
}
_NOT_FOUND = re.compile(r"^\s*(\S+) => not found", re.MULTILINE)
_DISPLAY = re.compile(r"^(?P<host>[^:]*):(?P<number>\d+)(\.\d+)?$")
_NO_WINDOW_HINT = "or download without a window with `greenget get URL`"


def package_for(soname: str) -> str:
    """The Debian/Ubuntu package that ships ``soname`` (by Debian's naming rule)."""
    if soname in _PACKAGE_EXCEPTIONS:
        return _PACKAGE_EXCEPTIONS[soname]
    base, _, version = soname.partition(".so.")
    base = base.lower()
    return f"{base}-{version}" if base[-1:].isdigit() else f"{base}{version}"


def missing_libraries(library: Path | str) -> list[str]:
    """The sonames ``library`` needs that the dynamic loader cannot find (``[]``
    if it loads)."""
    try:
        ctypes.CDLL(str(library), mode=os.RTLD_LAZY)
        return []
    except OSError as exc:
        first = str(exc).split(":")[0].strip()
    try:
        listing = subprocess.run(["ldd", str(library)], capture_output=True, text=True,
                                 timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        listing = ""
    return list(dict.fromkeys(_NOT_FOUND.findall(listing))) or [first]


def xcb_plugin() -> Path | None:
    """Qt's xcb platform plugin as PySide6 ships it (in a venv or a frozen app)."""
    spec = importlib.util.find_spec("PySide6")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        plugin = Path(folder) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
        if plugin.exists():
            return plugin
    return None


def _reachable(display: str) -> bool:
    """Does an X server accept a connection at ``display`` (``:0``, ``host:10``)?"""
    match = _DISPLAY.match(display)
    if match is None:
        return False
    host, number = match["host"], int(match["number"])
    if host in ("", "unix"):
        path = f"/tmp/.X11-unix/X{number}"
        for address in ("\0" + path, path):  # Linux's abstract socket, then the file
            with socket.socket(socket.AF_UNIX) as probe:
                try:
                    probe.connect(address)
                    return True
                except OSError:
                    continue
        return False
    try:
        socket.create_connection((host, 6000 + number), timeout=5).close()
        return True
    except OSError:
        return False


def window_problem(env: Mapping[str, str]) -> str | None:
    """One sentence saying why Qt cannot open a window here, or ``None``."""
    chosen = [p for p in env.get("QT_QPA_PLATFORM", "").split(";") if p]
    if chosen and not chosen[0].startswith("xcb"):
        return None  # offscreen, wayland, vnc...: the user chose; Qt speaks for itself
    if not chosen and env.get("WAYLAND_DISPLAY"):
        return None  # Qt tries Wayland first
    display = env.get("DISPLAY", "")
    if not display:
        return ("greenget: there is no display to open a window on (DISPLAY is not set): "
                f"run it in a desktop session or over `ssh -X`, {_NO_WINDOW_HINT}.")
    if not _reachable(display):
        return (f"greenget: cannot connect to the X display {display}: check that DISPLAY is "
                f"right and the X server runs, {_NO_WINDOW_HINT}.")
    plugin = xcb_plugin()
    missing = missing_libraries(plugin) if plugin else []
    if plugin is None or not missing:
        return None
    qt_own = [name for name in missing if name.startswith("libQt6")]
    if qt_own:
        return (f"greenget: Qt's own library {qt_own[0]} is missing from {plugin.parent.parent}; "
                "install Greenget again (scripts/install).")
    names = " and ".join(missing)
    packages = " ".join(dict.fromkeys(package_for(name) for name in missing))
    verb = "is" if len(missing) == 1 else "are"
    return (f"greenget: Qt cannot open a window because {names} {verb} missing; "
            f"install with: sudo apt-get install {packages}")
