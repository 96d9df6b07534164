"""The announcer's queue and worker, with a fake engine and the directory sink."""

from __future__ import annotations

import threading
from array import array
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from display.announcer import Announcer
from display.chime import DEFAULT_CHIME
from display.phrases import DEFAULT_EN_TEMPLATE, Language, PhraseTemplate
from display.sinks import DirectorySink, SoundError, SoundHealth
from display.wavs import read_mono16, wav_duration, write_mono16

MakeCall = Callable[..., dict[str, Any]]
MakeAnnouncer = Callable[..., Announcer]
LEVEL = 1234


class FakeEngine:
    """Writes 10 ms of a constant level per character; can fail or wait on demand."""

    def __init__(self) -> None:
        self.spoken: list[tuple[Language, str]] = []
        self.fail_next = 0
        self.gate = threading.Event()
        self.gate.set()
        self.started = threading.Event()

    def synthesize(self, text: str, lang: Language, out_path: Path) -> None:
        self.started.set()
        assert self.gate.wait(10)
        if self.fail_next:
            self.fail_next -= 1
            raise RuntimeError("engine exploded")
        self.spoken.append((lang, text))
        write_mono16(out_path, array("h", [LEVEL] * (220 * len(text))))


class BrokenSink(DirectorySink):
    """A directory sink whose first ``failures`` plays fail."""

    def __init__(self, folder: Path, failures: int) -> None:
        super().__init__(folder)
        self.failures = failures

    def play(self, wav: Path) -> None:
        if self.failures:
            self.failures -= 1
            raise SoundError("amplifier on fire")
        super().play(wav)


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def make_announcer(now: datetime) -> Iterator[Callable[..., Announcer]]:
    made: list[Announcer] = []

    def make(engine: Any, sink: Any, **options: Any) -> Announcer:
        options.setdefault("clock", lambda: now)
        announcer = Announcer(engine, sink, **options)
        made.append(announcer)
        return announcer

    yield make
    for announcer in made:
        announcer.close(drain=False)


def _labels(sink: DirectorySink) -> list[str]:
    return [path.name for path in sink.written]


def test_calls_are_spoken_in_arrival_order(
    tmp_path: Path, engine: FakeEngine, make_call: MakeCall, make_announcer: MakeAnnouncer
) -> None:
    sink = DirectorySink(tmp_path / "out")
    announcer = make_announcer(engine, sink)
    numbers = [f"A{n:03d}" for n in range(1, 13)]
    assert [announcer.announce(make_call(seq, number)) for seq, number in enumerate(numbers)] == [
        "queued"] * 12
    assert announcer.wait_until_idle(10)
    assert _labels(sink) == [f"{i:04d}-{number}.wav" for i, number in enumerate(numbers, 1)]
    assert [text for _, text in engine.spoken] == [f"请{_zh(n)}号到3号窗口办理" for n in numbers]


def _zh(number: str) -> str:
    return number[0] + "".join("零一二三四五六七八九"[int(d)] for d in number[1:])


def test_announcement_is_chime_then_phrase_repeated(
    tmp_path: Path, engine: FakeEngine, make_call: MakeCall, make_announcer: MakeAnnouncer
) -> None:
    sink = DirectorySink(tmp_path / "out")
    announcer = make_announcer(engine, sink, repeat=3, pause_seconds=0.5)
    announcer.announce(make_call(1, "A012"))
    assert announcer.wait_until_idle(10)

    samples = read_mono16(sink.written[0])
    chime = read_mono16(DEFAULT_CHIME)
    phrase = 220 * len("请A零一二号到3号窗口办理")
    gap, pause = round(0.15 * 22050), round(0.5 * 22050)
    assert samples[: len(chime)] == chime
    body = samples[len(chime) :]
    assert list(body[:gap]) == [0] * gap
    expected = [LEVEL] * phrase + [0] * pause + [LEVEL] * phrase + [0] * pause + [LEVEL] * phrase
    assert list(body[gap:]) == expected


def test_bilingual_template_speaks_both_lines_each_time(
    tmp_path: Path, engine: FakeEngine, make_call: MakeCall, make_announcer: MakeAnnouncer
) -> None:
    sink = DirectorySink(tmp_path / "out")
    template = PhraseTemplate(en=DEFAULT_EN_TEMPLATE)
    announcer = make_announcer(engine, sink, template=template, repeat=2, chime=None)
    announcer.announce(make_call(1, "B100", 12))
    assert announcer.wait_until_idle(10)
    assert engine.spoken == [
        ("zh", "请B一零零号到12号窗口办理"),
        ("en", "Number B-one zero zero, please go to window 12"),
    ]
    zh, en = (220 * len(text) for _, text in engine.spoken)
    expected = (zh + round(0.25 * 22050) + en) * 2 + round(0.5 * 22050)
    assert wav_duration(sink.written[0]) == pytest.approx(expected / 22050)


def test_duplicates_stale_and_recalls(
    tmp_path: Path, engine: FakeEngine, make_call: MakeCall, make_announcer: MakeAnnouncer
) -> None:
    sink = DirectorySink(tmp_path / "out")
    announcer = make_announcer(engine, sink, max_age_seconds=60)
    decisions = [
        announcer.announce(make_call(41, "A012")),
        announcer.announce(make_call(41, "A012")),  # re-delivered after a reconnect
        announcer.announce(make_call(42, "A013", age_seconds=61)),  # older than a minute
        announcer.announce(make_call(43, "A012", kind="ticket_recalled", recall_count=1)),
        announcer.announce(make_call(44, "A012", recall_count=2)),  # called again
        announcer.announce(make_call(45, "A014", kind="ticket_issued")),
        announcer.announce({"seq": 46, "type": "ticket_called", "data": {}}),
    ]
    assert decisions == ["queued", "duplicate", "stale", "queued", "queued", "ignored", "invalid"]
    assert announcer.wait_until_idle(10)
    assert _labels(sink) == ["0001-A012.wav", "0002-A012.wav", "0003-A012.wav"]
    assert [record.seq for record in announcer.stats] == [41, 43, 44]


def test_a_call_that_goes_stale_in_the_queue_is_not_spoken(
    tmp_path: Path, engine: FakeEngine, make_call: MakeCall, make_announcer: MakeAnnouncer,
    now: datetime,
) -> None:
    clock = [now]
    sink = DirectorySink(tmp_path / "out")
    announcer = make_announcer(engine, sink, max_age_seconds=60, clock=lambda: clock[0])
    engine.gate.clear()
    announcer.announce(make_call(1, "A001"))
    announcer.announce(make_call(2, "A002"))
    assert engine.started.wait(5)
    clock[0] = now + timedelta(seconds=90)  # the first announcement took very long
    engine.gate.set()
    assert announcer.wait_until_idle(10)
    assert _labels(sink) == ["0001-A001.wav"]
    assert [(r.seq, r.outcome) for r in announcer.stats] == [(1, "played"), (2, "stale")]


def test_engine_failure_is_reported_and_the_next_call_spoken(
    tmp_path: Path, engine: FakeEngine, make_call: MakeCall, make_announcer: MakeAnnouncer
) -> None:
    health: list[dict[str, str]] = []
    sink = DirectorySink(tmp_path / "out")
    engine.fail_next = 1
    announcer = make_announcer(engine, sink, on_health=health.append)
    announcer.announce(make_call(1, "A001"))
    announcer.announce(make_call(2, "A002"))
    assert announcer.wait_until_idle(10)
    assert _labels(sink) == ["0001-A002.wav"]
    assert [h["sound"] for h in health] == ["ok", "error", "ok"]
    assert "engine exploded" in health[1]["message"]
    assert [(r.seq, r.outcome) for r in announcer.stats] == [(1, "engine_failed"), (2, "played")]
    assert announcer.health == SoundHealth("ok", f"recording to {tmp_path / 'out'}")


def test_sink_failure_is_reported_and_the_next_call_spoken(
    tmp_path: Path, engine: FakeEngine, make_call: MakeCall, make_announcer: MakeAnnouncer
) -> None:
    health: list[dict[str, str]] = []
    sink = BrokenSink(tmp_path / "out", failures=1)
    announcer = make_announcer(engine, sink, on_health=health.append)
    announcer.announce(make_call(1, "A001"))
    announcer.announce(make_call(2, "A002"))
    assert announcer.wait_until_idle(10)
    assert _labels(sink) == ["0001-A002.wav"]
    assert [h["sound"] for h in health] == ["ok", "error", "ok"]
    assert "amplifier on fire" in health[1]["message"]


def test_stats_record_the_queue_delay(
    tmp_path: Path, engine: FakeEngine, make_call: MakeCall, make_announcer: MakeAnnouncer
) -> None:
    seen: list[dict[str, Any]] = []
    ticks = iter(range(100))
    sink = DirectorySink(tmp_path / "out")
    announcer = make_announcer(engine, sink, on_stats=seen.append, timer=lambda: next(ticks))
    engine.gate.clear()
    announcer.announce(make_call(1, "A001"))
    announcer.announce(make_call(2, "A002"))
    engine.gate.set()
    assert announcer.wait_until_idle(10)
    first, second = announcer.stats
    assert (first.queued_at, second.queued_at) == (0, 1)
    assert first.synth_started_at is not None and first.played_at is not None
    assert second.synth_started_at is not None
    assert first.queued_at < first.synth_started_at < first.played_at
    assert second.synth_started_at > first.played_at
    assert second.queue_delay == second.synth_started_at - 1
    assert [s["seq"] for s in seen] == [1, 2]
    assert set(seen[0]) >= {"seq", "number", "queued_at", "synth_started_at", "played_at"}


def test_close_drains_what_is_queued(
    tmp_path: Path, engine: FakeEngine, make_call: MakeCall, now: datetime
) -> None:
    sink = DirectorySink(tmp_path / "out")
    announcer = Announcer(engine, sink, clock=lambda: now)
    for seq in range(5):
        announcer.announce(make_call(seq, f"A{seq:03d}"))
    announcer.close()
    assert len(sink.written) == 5
    assert announcer.announce(make_call(9, "A009")) == "closed"


def test_close_without_drain_drops_what_is_queued(
    tmp_path: Path, engine: FakeEngine, make_call: MakeCall, now: datetime
) -> None:
    sink = DirectorySink(tmp_path / "out")
    announcer = Announcer(engine, sink, clock=lambda: now)
    engine.gate.clear()
    for seq in range(5):
        announcer.announce(make_call(seq, f"A{seq:03d}"))
    assert engine.started.wait(5)
    threading.Timer(0.2, engine.gate.set).start()
    announcer.close(drain=False)
    assert len(sink.written) == 1
    assert [r.outcome for r in announcer.stats].count("dropped") == 4


def test_directory_sink_numbering_goes_on_after_a_restart(tmp_path: Path) -> None:
    source = tmp_path / "A012.wav"
    write_mono16(source, array("h", [1, 2, 3]))
    DirectorySink(tmp_path / "out").play(source)
    again = DirectorySink(tmp_path / "out")
    again.play(source)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "0001-A012.wav", "0002-A012.wav",
    ]


def test_bad_settings_are_refused(tmp_path: Path, engine: FakeEngine) -> None:
    sink = DirectorySink(tmp_path / "out")
    with pytest.raises(ValueError, match="repeat"):
        Announcer(engine, sink, repeat=0)
    with pytest.raises(FileNotFoundError, match="nope.wav"):
        Announcer(engine, sink, chime=tmp_path / "nope.wav")
