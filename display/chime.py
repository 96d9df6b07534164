"""The two-tone "ding-dong" played before each call.

The committed ``assets/sounds/chime.wav`` was made by this module, so it can be
rebuilt bit for bit::

    .venv/bin/python -m display.chime assets/sounds/chime.wav
"""

from __future__ import annotations

import math
import sys
from array import array
from pathlib import Path

from display.wavs import ANNOUNCEMENT_RATE, write_mono16

DEFAULT_CHIME = Path(__file__).resolve().parent.parent / "assets" / "sounds" / "chime.wav"

# (start seconds, fundamental Hz): E5 then C5, a descending major third.
NOTES = ((0.0, 659.25), (0.32, 523.25))
# Bell-like partials: (frequency ratio, relative amplitude).
PARTIALS = ((1.0, 1.0), (2.0, 0.30), (3.0, 0.10), (4.2, 0.05))
DURATION = 0.8
DECAY_SECONDS = 0.22
PEAK = 0.55


def chime_samples(rate: int = ANNOUNCEMENT_RATE) -> array[int]:
    """Return the chime as 16-bit mono samples at ``rate``."""
    count = round(DURATION * rate)
    mix = [0.0] * count
    for start, frequency in NOTES:
        first = round(start * rate)
        for index in range(first, count):
            elapsed = (index - first) / rate
            attack = min(1.0, elapsed / 0.004)
            envelope = attack * math.exp(-elapsed / DECAY_SECONDS)
            mix[index] += envelope * sum(
                amplitude * math.sin(2 * math.pi * frequency * ratio * elapsed)
                for ratio, amplitude in PARTIALS
            )
    # A short fade at the end so the file does not stop on a click.
    fade = round(0.03 * rate)
    for offset in range(fade):
        mix[count - 1 - offset] *= offset / fade
    loudest = max(abs(value) for value in mix)
    scale = PEAK * 32767 / loudest
    return array("h", (round(value * scale) for value in mix))


def write_chime(path: Path, rate: int = ANNOUNCEMENT_RATE) -> None:
    """Write the chime as a 16-bit mono WAV file."""
    write_mono16(path, chime_samples(rate), rate)


if __name__ == "__main__":
    write_chime(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CHIME)
