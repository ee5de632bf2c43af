#!/usr/bin/env python3
"""Build Greenget's browser extension from browser/src for Chromium and Firefox.

    python3 scripts/build_extension.py [--out DIR]

writes DIR/chromium/ and DIR/firefox/ (unpacked, to load for development or
tests) and DIR/greenget-<version>-chromium.zip / -firefox.zip (to install or
upload to a store).  DIR defaults to browser/dist.  One code base: only the
manifests differ (a service worker in Chromium, background scripts in
Firefox, which has no MV3 service workers) and both are written here.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tomllib
import zipfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "browser" / "src"
ICON_SIZES = (16, 32, 48, 128)
PAIRING_PAGES = ["http://127.0.0.1/pair*", "http://localhost/pair*"]
GECKO_ID = "extension@greenget.app"


def version() -> str:
    with open(REPO / "pyproject.toml", "rb") as file:
        return str(tomllib.load(file)["project"]["version"])


def manifest(browser: str) -> dict[str, Any]:
    icons = {str(size): f"icons/greenget-{size}.png" for size in ICON_SIZES}
    common: dict[str, Any] = {
        "manifest_version": 3,
        "name": "__MSG_extName__",
        "description": "__MSG_extDescription__",
        "version": version(),
        "default_locale": "en",
        "icons": icons,
        "action": {"default_popup": "popup.html", "default_title": "__MSG_actionTitle__",
                   "default_icon": {k: v for k, v in icons.items() if k in ("16", "32")}},
        "options_ui": {"page": "options.html", "open_in_tab": True},
        # downloads: catch them; cookies: hand the site's cookies over; scripting:
        # read a tab's links; host permissions: cookies of any site and 127.0.0.1.
        "permissions": ["downloads", "cookies", "contextMenus", "storage", "scripting"],
        "host_permissions": ["<all_urls>"],
        "content_scripts": [
            {"matches": PAIRING_PAGES, "js": ["pair.js"], "run_at": "document_end"},
            {"matches": ["<all_urls>"], "js": ["modifier.js"], "run_at": "document_start",
             "all_frames": True},
        ],
    }
    if browser == "chromium":
        return {**common, "minimum_chrome_version": "116",
                "background": {"service_worker": "background.js"}}
    return {**common, "background": {"scripts": ["common.js", "background.js"]},
            "browser_specific_settings": {"gecko": {
                "id": GECKO_ID, "strict_min_version": "140.0",
                # What it sends goes to Greenget on this computer, to nobody else.
                "data_collection_permissions": {"required": ["none"]}}}}


def build_unpacked(browser: str, target: Path) -> Path:
    """browser/src plus the icons and this browser's manifest, in ``target``."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(SOURCE, target)
    (target / "icons").mkdir()
    for size in ICON_SIZES:
        shutil.copy2(REPO / "resources" / "icons" / f"greenget-{size}.png", target / "icons")
    (target / "manifest.json").write_text(json.dumps(manifest(browser), indent=2) + "\n",
                                          encoding="utf-8")
    return target


def pack(folder: Path, archive: Path) -> Path:
    """A zip with manifest.json at its root, as both stores want."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zipped.write(path, path.relative_to(folder).as_posix())
    return archive


def build(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    made = []
    for browser in ("chromium", "firefox"):
        folder = build_unpacked(browser, out / browser)
        made += [folder, pack(folder, out / f"greenget-{version()}-{browser}.zip")]
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "browser" / "dist",
                        help="where to write the builds (default: browser/dist)")
    args = parser.parse_args(argv)
    try:
        for path in build(args.out.resolve()):
            print(path)
    except OSError as exc:
        print(f"Cannot build the extension: {exc.strerror or exc} ({exc.filename})",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
