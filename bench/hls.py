#!/usr/bin/env python3
"""HLS benchmark: a 600-fragment stream from nginx on 127.0.0.1, in one run,
``greenget get URL.m3u8`` against ``ffmpeg -i URL -c copy`` and yt-dlp's own
downloader (``--concurrent-fragments 16``).  Each ends with an ``.mp4``.

    python bench/hls.py [--rounds 5] [--fragments 600]

Needs ffmpeg and yt-dlp (``pip install yt-dlp``).  Prints the median wall time
and CPU (user+sys of the tool and its children) of each, and Greenget's speed
as a ratio of each tool's, measured in this run (issue 16's goal: >= 1.0 x
yt-dlp's).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.servers.harness import find_nginx, run_nginx  # noqa: E402

SECONDS_PER_FRAGMENT = 0.2


def make_stream(folder: Path, fragments: int) -> None:
    seconds = fragments * SECONDS_PER_FRAGMENT
    folder.mkdir(parents=True)
    subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error",
         "-f", "lavfi", "-i", f"testsrc=duration={seconds}:size=640x360:rate=25",
         "-f", "lavfi", "-i", f"sine=duration={seconds}",
         "-c:v", "libx264", "-preset", "ultrafast", "-g", "5", "-keyint_min", "5",
         "-c:a", "aac", "-f", "hls", "-hls_time", str(SECONDS_PER_FRAGMENT),
         "-hls_playlist_type", "vod", "index.m3u8"], cwd=folder, check=True)


def commands(url: str, out: Path, home: Path) -> dict[str, list[str]]:
    return {
        "greenget": [sys.executable, "-m", "gui", "get", "-q", "-x", "16", "-d", str(out),
                     "-o", "greenget.mp4", url],
        "ffmpeg": ["ffmpeg", "-nostdin", "-loglevel", "error", "-i", url, "-c", "copy",
                   str(out / "ffmpeg.mp4")],
        "yt-dlp": [shutil.which("yt-dlp") or "yt-dlp", "-q", "--no-config",
                   "--concurrent-fragments", "16", "-o", str(out / "yt-dlp.mp4"), url],
    }


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    subprocess.run(command, env=env, check=True, cwd=REPO, stdout=subprocess.DEVNULL)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--fragments", type=int, default=600)
    args = parser.parse_args()
    nginx_binary = find_nginx()
    missing = [name for name in ("ffmpeg", "yt-dlp") if shutil.which(name) is None]
    if nginx_binary is None or missing:
        print(f"needs nginx, ffmpeg and yt-dlp; missing: {missing or ['nginx']}")
        return 2
    with tempfile.TemporaryDirectory(prefix="greenget-hls-bench-") as temp:
        base = Path(temp)
        with run_nginx(nginx_binary, base / "nginx") as nginx:
            make_stream(nginx.root / "hls", args.fragments)
            url = nginx.url("hls/index.m3u8")
            env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
            env["GREENGET_HOME"] = str(base / "home")
            env["GREENGET_LOG_LEVEL"] = "WARNING"
            results: dict[str, list[tuple[float, float]]] = {}
            outputs: dict[str, int] = {}
            for round_number in range(args.rounds):
                order = list(commands(url, base, base))
                order = order[round_number % 3:] + order[:round_number % 3]
                for tool in order:
                    out = base / f"out-{tool}-{round_number}"
                    out.mkdir()
                    results.setdefault(tool, []).append(
                        timed(commands(url, out, base)[tool], env))
                    made = out / f"{tool}.mp4"
                    if not made.is_file() or not made.stat().st_size:
                        raise SystemExit(f"{tool} made no {made.name}")
                    outputs[tool] = made.stat().st_size
                    shutil.rmtree(out)
            listed = (nginx.root / "hls" / "index.m3u8").read_text().count("#EXTINF")
            size = sum(f.stat().st_size for f in (nginx.root / "hls").iterdir())
    print(f"{listed} fragments ({size:,} bytes), {args.rounds} rounds, "
          f"load {os.getloadavg()[0]:.2f}; .mp4 sizes: {outputs}")
    walls = {tool: statistics.median(w for w, _ in runs) for tool, runs in results.items()}
    cpus = {tool: statistics.median(c for _, c in runs) for tool, runs in results.items()}
    for tool in results:
        ratio = ("" if tool == "greenget"
                 else f"  greenget speed = {walls[tool] / walls['greenget']:.2f} x {tool}")
        print(f"{tool:9} wall {walls[tool]:6.2f} s  cpu {cpus[tool]:6.2f} s{ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
