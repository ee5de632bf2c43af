"""The build script's output: two packed extensions whose manifests point at
files that are there, and strings in English and Simplified Chinese for every
message the code asks for.  (No browser needed; test_extension.py runs it.)"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile

import pytest

from tests.worker_client import REPO

SOURCE = REPO / "browser" / "src"
LOCALES = ("en", "zh_CN")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, zipfile.ZipFile]:
    out = tmp_path_factory.mktemp("build")
    done = subprocess.run([sys.executable, str(REPO / "scripts" / "build_extension.py"),
                           "--out", str(out)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    zips = {path.stem.rsplit("-", 1)[1]: zipfile.ZipFile(path) for path in out.glob("*.zip")}
    assert sorted(zips) == ["chromium", "firefox"]
    return zips


def referenced_files(manifest: dict) -> set[str]:
    files = {manifest["action"]["default_popup"], manifest["options_ui"]["page"],
             *manifest["icons"].values(), *manifest["action"]["default_icon"].values()}
    for script in manifest["content_scripts"]:
        files.update(script["js"])
    background = manifest["background"]
    files.update(background.get("scripts", [background.get("service_worker")]))
    return files


def test_each_manifest_names_only_files_in_its_zip(built: dict[str, zipfile.ZipFile]) -> None:
    for browser, archive in built.items():
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["manifest_version"] == 3
        assert referenced_files(manifest) <= names, browser
        for locale in LOCALES:
            assert f"_locales/{locale}/messages.json" in names
        # Pages load their scripts by <script src>: those must be there too.
        for page in (n for n in names if n.endswith(".html")):
            for src in re.findall(r'<script src="([^"]+)"', archive.read(page).decode()):
                assert src in names, (browser, page, src)


def test_chromium_gets_a_service_worker_and_firefox_background_scripts(
        built: dict[str, zipfile.ZipFile]) -> None:
    chromium = json.loads(built["chromium"].read("manifest.json"))
    firefox = json.loads(built["firefox"].read("manifest.json"))
    assert chromium["background"] == {"service_worker": "background.js"}
    assert firefox["background"]["scripts"][-1] == "background.js"
    assert "common.js" in firefox["background"]["scripts"]
    assert firefox["browser_specific_settings"]["gecko"]["id"]
    assert chromium["permissions"] == firefox["permissions"]


def messages_used() -> set[str]:
    used: set[str] = set()
    for path in SOURCE.glob("*.js"):
        text = path.read_text(encoding="utf-8")
        used.update(re.findall(r'\bt\("(\w+)"', text))
        used.update(re.findall(r'getMessage\("(\w+)"', text))
    for path in SOURCE.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        used.update(re.findall(r'data-i18n="(\w+)"', text))
        used.update(f"key_{value}" for value in re.findall(r'<option value="(\w+)"', text))
    used.update(re.findall(r"__MSG_(\w+)__", (REPO / "scripts" / "build_extension.py")
                           .read_text(encoding="utf-8")))
    return used


def test_every_message_is_in_english_and_chinese_with_the_same_place_holders() -> None:
    catalogues = {locale: json.loads((SOURCE / "_locales" / locale / "messages.json")
                                     .read_text(encoding="utf-8")) for locale in LOCALES}
    used = messages_used()
    assert len(used) > 30
    for locale, catalogue in catalogues.items():
        assert used <= set(catalogue), (locale, used - set(catalogue))
    assert set(catalogues["en"]) == set(catalogues["zh_CN"])
    for name, entry in catalogues["en"].items():
        chinese = catalogues["zh_CN"][name]
        assert entry.get("placeholders") == chinese.get("placeholders"), name
        for placeholder in entry.get("placeholders", {}):
            assert f"${placeholder.upper()}$" in chinese["message"], name
