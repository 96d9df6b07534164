"""Small WAV helpers on the standard library (``wave`` + ``array``, no audioop).

Announcements are built as 16-bit mono PCM at one sample rate (22050 Hz, what
espeak-ng produces). Any part in another format (8/24/32-bit, stereo, another
rate) is converted on the way in, so joining never depends on every engine
agreeing on a format.
"""

from __future__ import annotations

import sys
import wave
from array import array
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

ANNOUNCEMENT_RATE = 22050


class WavFormat(NamedTuple):
    """The PCM layout of a WAV file."""

    rate: int
    channels: int
    sample_width: int


def wav_format(path: Path) -> WavFormat:
    """Return the sample rate, channel count and sample width (bytes) of a WAV file."""
    with wave.open(str(path), "rb") as reader:
        return WavFormat(reader.getframerate(), reader.getnchannels(), reader.getsampwidth())


def wav_duration(path: Path) -> float:
    """Return the length of a WAV file in seconds."""
    with wave.open(str(path), "rb") as reader:
        return reader.getnframes() / reader.getframerate()


def _to_int16(raw: bytes, sample_width: int) -> array[int]:
    """Convert little-endian PCM samples of any common width to signed 16-bit."""
    if sample_width == 2:
        samples = array("h", raw)
        if sys.byteorder == "big":
            samples.byteswap()
        return samples
    if sample_width == 1:  # 8-bit WAV is unsigned
        return array("h", ((byte - 128) << 8 for byte in raw))
    if sample_width in (3, 4):
        return array(
            "h",
            (
                int.from_bytes(raw[i + sample_width - 2 : i + sample_width], "little", signed=True)
                for i in range(0, len(raw), sample_width)
            ),
        )
    raise ValueError(f"unsupported WAV sample width: {sample_width} bytes")


def _to_mono(samples: array[int], channels: int) -> array[int]:
    if channels == 1:
        return samples
    return array(
        "h",
        (sum(samples[i : i + channels]) // channels for i in range(0, len(samples), channels)),
    )


def _resample(samples: array[int], from_rate: int, to_rate: int) -> array[int]:
    """Linear-interpolation resampling; good enough for speech and a chime."""
    if from_rate == to_rate or not samples:
        return samples
    count = max(1, round(len(samples) * to_rate / from_rate))
    step = from_rate / to_rate
    last = len(samples) - 1
    out = array("h", bytes(2 * count))
    for index in range(count):
        position = index * step
        left = min(int(position), last)
        right = min(left + 1, last)
        fraction = position - left
        out[index] = round(samples[left] + (samples[right] - samples[left]) * fraction)
    return out


def read_mono16(path: Path, rate: int = ANNOUNCEMENT_RATE) -> array[int]:
    """Read a WAV file as 16-bit mono samples at ``rate``, converting as needed."""
    with wave.open(str(path), "rb") as reader:
        source = WavFormat(reader.getframerate(), reader.getnchannels(), reader.getsampwidth())
        raw = reader.readframes(reader.getnframes())
    samples = _to_mono(_to_int16(raw, source.sample_width), source.channels)
    return _resample(samples, source.rate, rate)


def write_mono16(path: Path, samples: array[int], rate: int = ANNOUNCEMENT_RATE) -> None:
    """Write 16-bit mono samples as a WAV file."""
    data = array("h", samples)
    if sys.byteorder == "big":
        data.byteswap()
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(data.tobytes())


def silence(seconds: float, rate: int = ANNOUNCEMENT_RATE) -> array[int]:
    """Return ``seconds`` of digital silence."""
    return array("h", bytes(2 * max(0, round(seconds * rate))))


def join_wavs(
    parts: Sequence[Path | float], out_path: Path, rate: int = ANNOUNCEMENT_RATE
) -> float:
    """Join WAV files (Path) and pauses (float seconds) in order into one 16-bit mono WAV.

    Returns the length of the result in seconds.
    """
    joined = array("h")
    for part in parts:
        if isinstance(part, Path):
            joined.extend(read_mono16(part, rate))
        else:
            joined.extend(silence(part, rate))
    write_mono16(out_path, joined, rate)
    return len(joined) / rate
