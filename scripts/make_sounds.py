"""Writes Greenget's own sounds, resources/sounds/complete.wav and failed.wav.

Made here from sine tones (no third-party recording, so no licence beyond the
project's): a rising two-note chime for a completed download, a falling one for
a failed download.  Run from the repository root: ``python scripts/make_sounds.py``.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22_050
OUT = Path(__file__).resolve().parents[1] / "resources" / "sounds"


def note(frequency: float, seconds: float, volume: float = 0.5) -> list[float]:
    """A bell-like tone: the note and two softer overtones, struck and fading."""
    samples = []
    for i in range(round(seconds * RATE)):
        t = i / RATE
        attack = min(1.0, t / 0.005)
        decay = math.exp(-t * 6.0)
        tone = (math.sin(2 * math.pi * frequency * t)
                + 0.35 * math.sin(2 * math.pi * 2 * frequency * t)
                + 0.12 * math.sin(2 * math.pi * 3 * frequency * t))
        samples.append(volume * attack * decay * tone / 1.47)
    return samples


def chime(notes: list[tuple[float, float, float]], seconds: float) -> list[float]:
    """Notes (start, frequency, length) mixed into ``seconds`` of sound."""
    mixed = [0.0] * round(seconds * RATE)
    for start, frequency, length in notes:
        offset = round(start * RATE)
        for i, value in enumerate(note(frequency, length)):
            if offset + i < len(mixed):
                mixed[offset + i] += value
    return mixed


def write(path: Path, samples: list[float]) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(b"".join(struct.pack("<h", round(max(-1.0, min(1.0, s)) * 32767))
                                 for s in samples))
    print("wrote", path)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    write(OUT / "complete.wav", chime([(0.0, 783.99, 0.5), (0.14, 1046.50, 0.6)], 0.75))
    write(OUT / "failed.wav", chime([(0.0, 440.00, 0.5), (0.18, 311.13, 0.7)], 0.9))


if __name__ == "__main__":
    main()
