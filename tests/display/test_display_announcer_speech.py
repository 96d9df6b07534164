"""Integration: real pyttsx3/espeak-ng speech into files, and ALSA without a sound card."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from display.announcer import Announcer
from display.chime import DEFAULT_CHIME
from display.sinks import AlsaSink, DirectorySink, NoSoundDevice
from display.speech import Pyttsx3Engine
from display.wavs import read_mono16, wav_duration

pytestmark = pytest.mark.slow  # real speech: espeak-ng, sox, aplay

MakeCall = Callable[..., dict[str, Any]]
Measure = Callable[..., dict[str, float]]


@pytest.fixture
def recorded(tmp_path: Path, now: datetime) -> Iterator[tuple[Announcer, DirectorySink]]:
    sink = DirectorySink(tmp_path / "announcements")
    announcer = Announcer(Pyttsx3Engine(), sink, clock=lambda: now, max_age_seconds=120)
    yield announcer, sink
    announcer.close()


def test_real_speech_three_calls_a_recall_a_duplicate_and_a_stale_call(
    recorded: tuple[Announcer, DirectorySink], make_call: MakeCall, measure: Measure
) -> None:
    announcer, sink = recorded
    decisions = [
        announcer.announce(make_call(41, "A012", 3)),
        announcer.announce(make_call(42, "A013", 5)),
        announcer.announce(make_call(42, "A013", 5)),  # re-delivered: not twice
        announcer.announce(make_call(43, "B100", 12)),
        announcer.announce(make_call(44, "C007", 1, age_seconds=600)),  # stale
        announcer.announce(make_call(45, "A012", 3, kind="ticket_recalled", recall_count=1)),
    ]
    assert decisions == ["queued", "queued", "duplicate", "queued", "stale", "queued"]
    assert announcer.wait_until_idle(60)

    assert [path.name for path in sorted(sink.folder.iterdir())] == [
        "0001-A012.wav", "0002-A013.wav", "0003-B100.wav", "0004-A012.wav",
    ]
    chime = read_mono16(DEFAULT_CHIME)
    for path in sink.written:
        stats = measure(path)
        assert stats["RMS amplitude"] > 0.05, path.name
        assert 1.5 < stats["Length (seconds)"] < 20, path.name
        samples = read_mono16(path)
        assert samples[: len(chime)] == chime, f"{path.name} does not start with the chime"
        speech = measure(path, "trim", "1.0", "1.0")
        assert speech["RMS amplitude"] > 0.05, f"{path.name}: no speech after the chime"
    # The recall says the same words as the first call.
    assert wav_duration(sink.written[3]) == pytest.approx(wav_duration(sink.written[0]), rel=0.02)
    # Window 12 (十二) and 一零零 take longer to say than window 3 and 零一二.
    assert wav_duration(sink.written[2]) > wav_duration(sink.written[0])
    assert [record.outcome for record in announcer.stats] == ["played"] * 4


def test_each_repetition_is_the_same_speech(
    tmp_path: Path, make_call: MakeCall, now: datetime
) -> None:
    sink = DirectorySink(tmp_path / "out")
    with Announcer(Pyttsx3Engine(), sink, clock=lambda: now, repeat=2, chime=None,
                   pause_seconds=0.5) as announcer:
        announcer.announce(make_call(1, "A012"))
        assert announcer.wait_until_idle(30)
    samples = read_mono16(sink.written[0])
    pause = round(0.5 * 22050)
    phrase = (len(samples) - pause) // 2
    assert samples[:phrase] == samples[phrase + pause :]
    assert set(samples[phrase : phrase + pause]) == {0}


def _fake_aplay(tmp_path: Path, listing: str) -> str:
    script = tmp_path / "aplay"
    script.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = "-l" ]; then printf "%s" "{listing}"; '
        'echo "aplay: device_list:274: no soundcards found..." >&2; exit 0; fi\n'
        "exit 1\n"
    )
    script.chmod(0o755)
    return str(script)


def test_alsa_sink_without_a_card_reports_no_device(
    tmp_path: Path, make_call: MakeCall, now: datetime
) -> None:
    """With an aplay that finds no card (as on this CI machine), nothing raises."""
    health: list[dict[str, str]] = []
    sink = AlsaSink(aplay=_fake_aplay(tmp_path, ""))
    assert sink.check().state == "no_device"
    with pytest.raises(NoSoundDevice, match="没有音频设备 / no sound device"):
        sink.play(DEFAULT_CHIME)
    with Announcer(Pyttsx3Engine(), sink, clock=lambda: now, on_health=health.append) as announcer:
        assert announcer.announce(make_call(1, "A012")) == "queued"
        assert announcer.wait_until_idle(30)
        assert announcer.announce(make_call(2, "A013")) == "queued"
        assert announcer.wait_until_idle(30)
    assert health == [{"sound": "no_device",
                       "message": "没有音频设备 / no sound device (aplay: device_list:274: "
                                  "no soundcards found...)"}]
    assert [record.outcome for record in announcer.stats] == ["no_device", "no_device"]


def test_alsa_sink_without_aplay_reports_an_error(tmp_path: Path) -> None:
    health = AlsaSink(aplay=str(tmp_path / "no-aplay-here")).check()
    assert health.state == "error"
    assert "alsa-utils" in health.message


def _machine_has_a_sound_card() -> bool:
    cards = Path("/proc/asound/cards")
    return cards.exists() and "no soundcards" not in cards.read_text()


@pytest.mark.skipif(_machine_has_a_sound_card(), reason="this machine has a sound card")
def test_real_alsa_on_this_machine_reports_no_device(
    make_call: MakeCall, now: datetime
) -> None:
    health: list[dict[str, str]] = []
    with Announcer(Pyttsx3Engine(), AlsaSink(), clock=lambda: now,
                   on_health=health.append) as announcer:
        announcer.announce(make_call(1, "A012"))
        assert announcer.wait_until_idle(30)
    assert [h["sound"] for h in health] == ["no_device"]
    assert "没有音频设备" in health[0]["message"]
