"""The recorded-clip engine: greedy cutting, joining in order, clear errors."""

from __future__ import annotations

import wave
from array import array
from collections.abc import Callable
from pathlib import Path

import pytest

from display.clips import ClipEngine, ClipError, MissingClipError, Pause
from display.phrases import ZH_DIGITS, PhraseTemplate
from display.wavs import read_mono16, write_mono16

RATE = 16000  # not the announcement rate on purpose: clips are joined as recorded

CLIP_TEXTS = ["请", "号", "号到", "号窗口办理", "A", "B", "十", *ZH_DIGITS]


def _level(index: int) -> int:
    return 1000 * (index + 1)


def _length(index: int) -> int:
    return 160 + 16 * index  # 10 ms + 1 ms per index, all different


@pytest.fixture
def clip_folder(tmp_path: Path) -> Path:
    """One clip per text; clip i is a constant level 1000*(i+1) for (160+16*i) samples.

    Constant levels make the joined file easy to read back: each run of equal
    samples is one clip, and its level says which.
    """
    folder = tmp_path / "clips"
    folder.mkdir()
    for index, text in enumerate(CLIP_TEXTS):
        write_mono16(folder / f"{text}.wav", array("h", [_level(index)] * _length(index)), RATE)
    return folder


def _runs(samples: array[int]) -> list[tuple[int, int]]:
    """Cut samples into (level, count) runs."""
    runs: list[tuple[int, int]] = []
    for sample in samples:
        if runs and runs[-1][0] == sample:
            runs[-1] = (sample, runs[-1][1] + 1)
        else:
            runs.append((sample, 1))
    return runs


def _expected_runs(texts: list[str]) -> list[tuple[int, int]]:
    return [(_level(CLIP_TEXTS.index(t)), _length(CLIP_TEXTS.index(t))) for t in texts]


def test_phrase_is_cut_by_greedy_longest_match(clip_folder: Path) -> None:
    engine = ClipEngine(clip_folder)
    assert engine.split("请A零一二号到3号窗口办理") == [
        "请", "A", "零", "一", "二", "号到", "三", "号窗口办理",
    ]


@pytest.mark.parametrize(
    ("window", "clips"),
    [("3", ["三"]), ("10", ["十"]), ("12", ["十", "二"]), ("20", ["二", "十"]),
     ("45", ["四", "十", "五"])],
)
def test_window_numbers_without_clips_are_read_in_chinese(
    clip_folder: Path, window: str, clips: list[str]
) -> None:
    assert ClipEngine(clip_folder).split(f"请A一号到{window}号窗口办理")[4:-1] == clips


def test_spaces_are_skipped_and_punctuation_pauses(clip_folder: Path) -> None:
    engine = ClipEngine(clip_folder, pause_seconds=0.25)
    assert engine.split("请A B一，号") == ["请", "A", "B", "一", Pause(0.25), "号"]


def test_joined_clips_are_in_order_frame_for_frame(clip_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "phrase.wav"
    ClipEngine(clip_folder).synthesize("请B一零零号到12号窗口办理", "zh", out)

    with wave.open(str(out), "rb") as reader:
        assert (reader.getframerate(), reader.getnchannels(), reader.getsampwidth()) == (
            RATE, 1, 2,
        )
    expected = ["请", "B", "一", "零", "零", "号到", "十", "二", "号窗口办理"]
    samples = read_mono16(out, RATE)
    assert len(samples) == sum(_length(CLIP_TEXTS.index(text)) for text in expected)
    # 零零 joins into one run of twice the length.
    runs = _runs(samples)
    zero = CLIP_TEXTS.index("零")
    assert runs == [
        *_expected_runs(["请", "B", "一"]),
        (_level(zero), 2 * _length(zero)),
        *_expected_runs(["号到", "十", "二", "号窗口办理"]),
    ]


def test_pause_is_silence_of_the_right_length(clip_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "paused.wav"
    ClipEngine(clip_folder, pause_seconds=0.1).synthesize("请，A", "zh", out)
    assert _runs(read_mono16(out, RATE)) == [
        _expected_runs(["请"])[0], (0, 1600), _expected_runs(["A"])[0],
    ]


def test_missing_clip_is_named(clip_folder: Path) -> None:
    (clip_folder / "号到.wav").unlink()
    (clip_folder / "号.wav").unlink()
    engine = ClipEngine(clip_folder)
    with pytest.raises(MissingClipError, match=r"no clip for '号到'.*号到\.wav") as caught:
        engine.synthesize("请A零一二号到3号窗口办理", "zh", clip_folder.parent / "x.wav")
    assert caught.value.missing == ["号到"]


def test_every_missing_piece_is_listed(clip_folder: Path) -> None:
    (clip_folder / "十.wav").unlink()
    with pytest.raises(MissingClipError) as caught:
        ClipEngine(clip_folder).split("请C一号到12号窗口稍候")
    assert caught.value.missing == ["C", "十", "窗口稍候"]


def test_clips_of_different_formats_are_refused(clip_folder: Path) -> None:
    write_mono16(clip_folder / "九.wav", array("h", [5] * 100), 22050)
    with pytest.raises(ClipError, match=r"one WAV format.*22050 Hz.*九\.wav"):
        ClipEngine(clip_folder)


def test_empty_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ClipError, match="no .wav clips"):
        ClipEngine(tmp_path)


@pytest.mark.slow
def test_tone_clips_join_to_the_summed_length(
    tmp_path: Path,
    write_tone: Callable[..., Path],
    measure: Callable[[Path], dict[str, float]],
) -> None:
    """Audible clips (sine tones of distinct pitch and length) for a whole default phrase."""
    folder = tmp_path / "tones"
    folder.mkdir()
    texts = ["请", "号到", "号窗口办理", "A", "十", *ZH_DIGITS]
    for index, text in enumerate(texts):
        write_tone(folder / f"{text}.wav", 300 + 40 * index, 0.1 + 0.01 * index, 22050)
    phrase = PhraseTemplate().render("A012", 3)[0].text
    out = tmp_path / "phrase.wav"
    ClipEngine(folder).synthesize(phrase, "zh", out)

    spoken = ["请", "A", "零", "一", "二", "号到", "三", "号窗口办理"]
    expected = sum(round((0.1 + 0.01 * texts.index(t)) * 22050) for t in spoken) / 22050
    stats = measure(out)
    assert stats["Length (seconds)"] == pytest.approx(expected, abs=1e-4)
    assert stats["RMS amplitude"] > 0.3
