"""What the window loads from resources/ is declared as package data (so a wheel has it)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from gui.icons import RESOURCES

ROOT = Path(__file__).resolve().parents[2]
SOURCE_ONLY = {"README.md"}  # and the .ts catalogues, which lrelease compiles to .qm


def test_every_runtime_resource_is_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "resources*" in config["packages"]["find"]["include"]
    patterns = config["package-data"]["resources"]
    shipped = {path for pattern in patterns for path in RESOURCES.glob(pattern)}
    needed = {
        path for path in RESOURCES.rglob("*")
        if path.is_file() and path.name not in SOURCE_ONLY and path.suffix != ".ts"
    }
    assert needed - shipped == set()
    assert RESOURCES / "translations" / "greenget_zh_CN.qm" in shipped
