"""The hall's voice: speaks each call, one at a time, chime first.

``Announcer.announce(event)`` takes the hub's ``ticket_called`` /
``ticket_recalled`` payload and returns at once; one worker thread synthesises
and plays the announcements strictly in arrival order. An announcement is the
chime followed by the phrase ``repeat`` times, joined into one WAV before it is
played, so nothing interleaves. A re-delivered event (same seq) is spoken once;
a recall has its own seq and is spoken again; a call older than
``max_age_seconds`` is shown by the display but not spoken.
"""

from __future__ import annotations

import logging
import queue
import re
import shutil
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from display.chime import DEFAULT_CHIME
from display.events import CallEvent, InvalidCallEvent
from display.phrases import PhraseTemplate
from display.sinks import AudioSink, NoSoundDevice, SoundHealth
from display.speech import SpeechEngine
from display.wavs import ANNOUNCEMENT_RATE, join_wavs

log = logging.getLogger(__name__)

Decision = Literal["queued", "duplicate", "stale", "ignored", "invalid", "closed"]
Outcome = Literal["played", "stale", "engine_failed", "no_device", "sink_failed", "dropped"]


@dataclass
class AnnouncementRecord:
    """What happened to one queued call; times are ``timer()`` readings (monotonic seconds)."""

    seq: int
    number: str
    queued_at: float
    synth_started_at: float | None = None
    played_at: float | None = None
    outcome: Outcome | None = None
    error: str | None = None

    @property
    def queue_delay(self) -> float | None:
        """Seconds from announce() to the start of synthesis, or None if never started."""
        if self.synth_started_at is None:
            return None
        return self.synth_started_at - self.queued_at

    def as_dict(self) -> dict[str, Any]:
        """Return the record as a plain dict (for logs and the latency benchmark)."""
        return asdict(self)


_STOP = object()


class Announcer:
    """Speaks calls through a SpeechEngine into an AudioSink from one worker thread.

    ``clock`` returns the current aware datetime (compared with each event's
    ``at``); ``timer`` gives the monotonic readings in the stats. ``on_health``
    and ``on_stats`` are called from the worker thread.
    """

    def __init__(
        self,
        engine: SpeechEngine,
        sink: AudioSink,
        template: PhraseTemplate | None = None,
        *,
        repeat: int = 2,
        pause_seconds: float = 0.5,
        chime: Path | None = DEFAULT_CHIME,
        max_age_seconds: float = 120.0,
        clock: Callable[[], datetime] | None = None,
        on_health: Callable[[dict[str, str]], None] | None = None,
        on_stats: Callable[[dict[str, Any]], None] | None = None,
        timer: Callable[[], float] = time.monotonic,
        sample_rate: int = ANNOUNCEMENT_RATE,
        remember_seqs: int = 4096,
    ) -> None:
        if repeat < 1:
            raise ValueError(f"repeat must be at least 1, not {repeat}")
        if chime is not None and not chime.is_file():
            raise FileNotFoundError(f"chime {chime} does not exist")
        self.engine = engine
        self.sink = sink
        self.template = template or PhraseTemplate()
        self.repeat = repeat
        self.pause_seconds = pause_seconds
        self.chime = chime
        self.max_age_seconds = max_age_seconds
        self._clock = clock or (lambda: datetime.now().astimezone())
        self._on_health = on_health
        self._on_stats = on_stats
        self._timer = timer
        self.sample_rate = sample_rate
        self._seen: set[int] = set()
        self._seen_order: deque[int] = deque()
        self._remember_seqs = remember_seqs
        self._records: deque[AnnouncementRecord] = deque(maxlen=1000)
        self._health: SoundHealth | None = None
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._pending = 1  # the sink check the worker does first
        self._closed = False
        self._queue: queue.Queue[Any] = queue.Queue()
        self._work_dir = Path(tempfile.mkdtemp(prefix="jiaohao-announcer-"))
        self._worker = threading.Thread(target=self._run, name="announcer", daemon=True)
        self._worker.start()

    # -- called from the display agent --------------------------------------

    def announce(self, event: Mapping[str, Any]) -> Decision:
        """Queue a call event to be spoken; return what was decided about it."""
        try:
            call = CallEvent.from_event(event)
        except InvalidCallEvent as error:
            log.warning("not announcing event: %s", error)
            return "invalid"
        if call is None:
            return "ignored"
        with self._lock:
            if self._closed:
                return "closed"
            if call.seq in self._seen:
                log.info("seq %s (%s) already announced, not again", call.seq, call.number)
                return "duplicate"
            self._remember(call.seq)
            if self._is_stale(call):
                log.info("seq %s (%s) is older than %ss, not spoken",
                         call.seq, call.number, self.max_age_seconds)
                return "stale"
            self._pending += 1
            record = AnnouncementRecord(call.seq, call.number, queued_at=self._timer())
            self._queue.put((call, record))
        return "queued"

    def wait_until_idle(self, timeout: float | None = None) -> bool:
        """Block until the first sound check and everything queued are done; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def close(self, *, drain: bool = True, timeout: float | None = 60.0) -> None:
        """Stop taking calls, speak (drain=True) or drop what is queued, stop the worker."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        if not drain:
            self._drop_queued()
        self._queue.put(_STOP)
        self._worker.join(timeout)
        if self._worker.is_alive():
            log.warning("announcer worker still busy after %ss; leaving it", timeout)
            return
        shutil.rmtree(self._work_dir, ignore_errors=True)

    def __enter__(self) -> Announcer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def stats(self) -> list[AnnouncementRecord]:
        """The last (up to 1000) finished announcements, oldest first."""
        with self._lock:
            return list(self._records)

    @property
    def health(self) -> SoundHealth | None:
        """The last reported sound health (None before the first check)."""
        return self._health

    # -- inside ------------------------------------------------------------

    def _remember(self, seq: int) -> None:
        self._seen.add(seq)
        self._seen_order.append(seq)
        while len(self._seen_order) > self._remember_seqs:
            self._seen.discard(self._seen_order.popleft())

    def _is_stale(self, call: CallEvent) -> bool:
        return (self._clock() - call.at).total_seconds() > self.max_age_seconds

    def _drop_queued(self) -> None:
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if item is not _STOP:
                self._finish(item[1], "dropped")

    def _run(self) -> None:
        try:
            self._report(self.sink.check())
        except Exception as error:
            self._report(SoundHealth("error", f"cannot check the sound device: {error}"))
        finally:
            with self._idle:
                self._pending -= 1
                self._idle.notify_all()
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            call, record = item
            try:
                self._speak(call, record)
            except Exception as error:  # a bug here must not silence the hall for good
                log.exception("announcer failed on seq %s", call.seq)
                if record.outcome is None:
                    self._finish(record, "sink_failed", repr(error))
            finally:
                for leftover in self._work_dir.iterdir():
                    leftover.unlink(missing_ok=True)

    def _speak(self, call: CallEvent, record: AnnouncementRecord) -> None:
        if self._is_stale(call):
            log.info("seq %s (%s) went stale in the queue, not spoken", call.seq, call.number)
            self._finish(record, "stale")
            return
        record.synth_started_at = self._timer()
        try:
            wav = self._compose(call)
        except Exception as error:
            log.error("speech engine failed for %s: %s", call.number, error)
            self._report(SoundHealth("error", f"语音合成失败 / speech engine failed: {error}"))
            self._finish(record, "engine_failed", str(error))
            return
        try:
            self.sink.play(wav)
        except NoSoundDevice as error:
            self._report(SoundHealth("no_device", str(error)))
            self._finish(record, "no_device", str(error))
            return
        except Exception as error:
            log.error("playing %s failed: %s", call.number, error)
            self._report(SoundHealth("error", f"播放失败 / playback failed: {error}"))
            self._finish(record, "sink_failed", str(error))
            return
        record.played_at = self._timer()
        if self._health is None or self._health.state != "ok":
            self._report(self.sink.check())
        self._finish(record, "played")

    def _compose(self, call: CallEvent) -> Path:
        """Synthesise the phrase and join chime + phrase x repeat into one WAV."""
        phrase: list[Path | float] = []
        for index, line in enumerate(
            self.template.render(call.number, call.window, call.window_name, call.service)
        ):
            path = self._work_dir / f"line-{index}-{line.lang}.wav"
            self.engine.synthesize(line.text, line.lang, path)
            if phrase:
                phrase.append(self.pause_seconds / 2)
            phrase.append(path)
        parts: list[Path | float] = [self.chime, 0.15] if self.chime else []
        for time_number in range(self.repeat):
            if time_number:
                parts.append(self.pause_seconds)
            parts.extend(phrase)
        label = re.sub(r"[^A-Za-z0-9]", "", call.number) or "call"
        out = self._work_dir / f"{label}.wav"
        join_wavs(parts, out, self.sample_rate)
        return out

    def _finish(
        self, record: AnnouncementRecord, outcome: Outcome, error: str | None = None
    ) -> None:
        record.outcome = outcome
        record.error = error
        with self._idle:
            self._records.append(record)
            self._pending -= 1
            self._idle.notify_all()
        if self._on_stats is not None:
            try:
                self._on_stats(record.as_dict())
            except Exception:
                log.exception("on_stats callback failed")

    def _report(self, health: SoundHealth) -> None:
        if health == self._health:
            return
        self._health = health
        level = logging.INFO if health.state == "ok" else logging.WARNING
        log.log(level, "sound: %s (%s)", health.state, health.message)
        if self._on_health is not None:
            try:
                self._on_health(health.as_dict())
            except Exception:
                log.exception("on_health callback failed")
