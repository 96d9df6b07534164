"""WAV joining and format conversion, and the committed chime."""

from __future__ import annotations

import wave
from array import array
from collections.abc import Callable
from pathlib import Path

import pytest

from display.chime import DEFAULT_CHIME, chime_samples
from display.wavs import (
    WavFormat,
    join_wavs,
    read_mono16,
    wav_duration,
    wav_format,
    write_mono16,
)


def _write_raw(path: Path, rate: int, channels: int, width: int, frames: bytes) -> Path:
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(width)
        writer.setframerate(rate)
        writer.writeframes(frames)
    return path


def test_join_puts_parts_and_pauses_in_order(tmp_path: Path) -> None:
    first = tmp_path / "first.wav"
    second = tmp_path / "second.wav"
    write_mono16(first, array("h", [1000] * 2205))  # 0.1 s
    write_mono16(second, array("h", [-2000] * 4410))  # 0.2 s
    out = tmp_path / "out.wav"

    length = join_wavs([first, 0.05, second], out)

    pause = round(0.05 * 22050)
    assert length == pytest.approx((2205 + pause + 4410) / 22050)
    samples = read_mono16(out)
    assert list(samples[:2205]) == [1000] * 2205
    assert list(samples[2205 : 2205 + pause]) == [0] * pause
    assert list(samples[2205 + pause :]) == [-2000] * 4410
    assert wav_format(out) == WavFormat(22050, 1, 2)


def test_stereo_8bit_44k_is_converted_before_joining(tmp_path: Path) -> None:
    # 0.1 s of 8-bit stereo at 44.1 kHz: left +64, right +32 around the 128 midpoint.
    odd = _write_raw(tmp_path / "odd.wav", 44100, 2, 1, bytes([192, 160]) * 4410)
    samples = read_mono16(odd, 22050)
    assert len(samples) == 2205
    assert set(samples) == {(64 * 256 + 32 * 256) // 2}


def test_24bit_and_32bit_keep_their_top_16_bits(tmp_path: Path) -> None:
    value = -12345
    as24 = (value * 256).to_bytes(3, "little", signed=True) * 10
    as32 = (value * 65536).to_bytes(4, "little", signed=True) * 10
    assert set(read_mono16(_write_raw(tmp_path / "a.wav", 22050, 1, 3, as24))) == {value}
    assert set(read_mono16(_write_raw(tmp_path / "b.wav", 22050, 1, 4, as32))) == {value}


def test_resampling_keeps_duration_and_shape(tmp_path: Path) -> None:
    ramp = array("h", range(0, 16000, 1))  # 1 s at 16 kHz
    source = tmp_path / "ramp.wav"
    write_mono16(source, ramp, 16000)
    samples = read_mono16(source, 22050)
    assert len(samples) == 22050
    assert samples[0] == 0
    assert samples[11025] == pytest.approx(8000, abs=2)
    assert list(samples) == sorted(samples)


@pytest.mark.slow
def test_committed_chime_is_what_the_generator_makes(
    measure: Callable[[Path], dict[str, float]],
) -> None:
    assert wav_format(DEFAULT_CHIME) == WavFormat(22050, 1, 2)
    assert wav_duration(DEFAULT_CHIME) == pytest.approx(0.8)
    assert read_mono16(DEFAULT_CHIME) == chime_samples()
    stats = measure(DEFAULT_CHIME)
    assert stats["RMS amplitude"] > 0.1
    assert stats["Maximum amplitude"] < 0.6  # head-room: no clipping


@pytest.mark.slow
def test_chime_is_two_tones(measure: Callable[[Path], dict[str, float]], tmp_path: Path) -> None:
    ding = tmp_path / "ding.wav"
    dong = tmp_path / "dong.wav"
    samples = chime_samples()
    write_mono16(ding, samples[: round(0.3 * 22050)])
    write_mono16(dong, samples[round(0.45 * 22050) :])
    # The ding (E5, 659 Hz) is higher than the dong (C5, 523 Hz, with the ding's tail).
    assert measure(ding)["Rough frequency"] > measure(dong)["Rough frequency"]
