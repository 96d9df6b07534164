"""Integration: the real pyttsx3 / espeak-ng engines writing WAV files."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from display.phrases import Language
from display.speech import EspeakNgEngine, Pyttsx3Engine, SpeechError
from display.wavs import WavFormat, wav_duration, wav_format

pytestmark = pytest.mark.slow  # espeak-ng and sox run as processes

Measure = Callable[..., dict[str, float]]


def test_pyttsx3_offers_the_mandarin_pinyin_voice() -> None:
    voices = Pyttsx3Engine().available_voices()
    assert "sit/cmn-latn-pinyin" in voices
    assert "gmw/en-us" in voices


def test_pyttsx3_writes_chinese_speech(tmp_path: Path, measure: Measure) -> None:
    out = tmp_path / "zh.wav"
    Pyttsx3Engine().synthesize("请A零一二号到3号窗口办理", "zh", out)
    assert wav_format(out) == WavFormat(22050, 1, 2)
    stats = measure(out)
    assert 2.0 < stats["Length (seconds)"] < 8.0
    assert stats["RMS amplitude"] > 0.05


def test_pyttsx3_speaks_with_the_pinyin_voice_not_the_english_latin_one(tmp_path: Path) -> None:
    """pyttsx3's WAV is as long as ``espeak-ng -v cmn-latn-pinyin`` says it, not ``-v cmn``.

    (espeak-ng keeps a little state between phrases, so lengths differ by a few
    samples from run to run; the two Mandarin voices differ by about a second.)
    """
    text = "请B一零零号到12号窗口办理"
    paths = {name: tmp_path / f"{name}.wav" for name in ("pyttsx3", "pinyin", "cmn")}
    Pyttsx3Engine(rate=150).synthesize(text, "zh", paths["pyttsx3"])
    EspeakNgEngine(rate=150).synthesize(text, "zh", paths["pinyin"])
    EspeakNgEngine(rate=150, zh_voice="cmn").synthesize(text, "zh", paths["cmn"])
    length = {name: wav_duration(path) for name, path in paths.items()}
    assert length["pyttsx3"] == pytest.approx(length["pinyin"], rel=0.03)
    assert abs(length["cmn"] - length["pinyin"]) > 0.5


def test_english_line_uses_the_english_voice(tmp_path: Path, measure: Measure) -> None:
    text = "Number A-zero one two, please go to window 3"
    english = tmp_path / "en.wav"
    expected = tmp_path / "expected.wav"
    Pyttsx3Engine().synthesize(text, "en", english)
    EspeakNgEngine().synthesize(text, "en", expected)
    assert measure(english)["RMS amplitude"] > 0.05
    assert wav_duration(english) == pytest.approx(wav_duration(expected), rel=0.03)


def test_engine_is_reusable_and_serialised_across_threads(tmp_path: Path) -> None:
    """Many phrases from two threads through two engine objects: one worker, none lost.

    Before the driver's espeak_Cancel was disabled, about one phrase in 200
    came out empty; 2 x 40 phrases caught that in roughly one run in three.
    """
    texts: dict[Language, str] = {"zh": "请A零一二号到3号窗口办理", "en": "Number B-one zero zero"}
    reference = {lang: tmp_path / f"ref-{lang}.wav" for lang in texts}
    for lang, text in texts.items():
        EspeakNgEngine().synthesize(text, lang, reference[lang])
    failures: list[BaseException] = []

    def speak(lang: Language) -> None:
        engine = Pyttsx3Engine()
        try:
            for index in range(40):
                engine.synthesize(texts[lang], lang, tmp_path / f"{lang}-{index}.wav")
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=speak, args=(lang,)) for lang in ("zh", "en")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures
    for lang in texts:
        expected = wav_duration(reference[lang])
        lengths = [wav_duration(tmp_path / f"{lang}-{index}.wav") for index in range(40)]
        assert lengths == pytest.approx([expected] * 40, rel=0.03), lang


def test_unknown_voice_is_named_with_alternatives(tmp_path: Path) -> None:
    engine = Pyttsx3Engine(zh_voice="sit/cmn-nonexistent")
    with pytest.raises(SpeechError, match=r"'sit/cmn-nonexistent'.*sit/cmn-latn-pinyin"):
        engine.synthesize("请A零一二号", "zh", tmp_path / "x.wav")
    assert not (tmp_path / "x.wav").exists()


def test_engine_still_works_after_a_failure(tmp_path: Path, measure: Measure) -> None:
    with pytest.raises(SpeechError):
        Pyttsx3Engine(en_voice="gmw/en-nowhere").check()
    out = tmp_path / "after.wav"
    Pyttsx3Engine().synthesize("请A零一二号", "zh", out)
    assert measure(out)["RMS amplitude"] > 0.05


def test_bad_rate_is_refused() -> None:
    with pytest.raises(ValueError, match="80..450"):
        Pyttsx3Engine(rate=20)


def test_espeak_ng_fallback_names_a_bad_voice(tmp_path: Path) -> None:
    engine = EspeakNgEngine(zh_voice="no-such-voice")
    with pytest.raises(SpeechError, match=r"'no-such-voice' for zh.*cmn-latn-pinyin"):
        engine.synthesize("请A零一二号", "zh", tmp_path / "x.wav")


def test_espeak_ng_fallback_reports_a_missing_program(tmp_path: Path) -> None:
    engine = EspeakNgEngine(binary="espeak-ng-not-installed")
    with pytest.raises(SpeechError, match="not installed"):
        engine.synthesize("请A零一二号", "zh", tmp_path / "x.wav")
