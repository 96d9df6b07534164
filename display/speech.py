"""Speech engines: text in, a WAV file out.

Every engine implements SpeechEngine.synthesize(text, lang, out_path). The
announcer never plays through an engine: it joins the engine's WAV with the
chime and hands one file to an AudioSink, so announcements cannot interleave.

What pyttsx3 2.99 does over espeak-ng (checked on Debian 12, espeak-ng 1.51):

- ``save_to_file`` + ``runAndWait`` works headless and can be reused from one
  thread for many phrases; synthesis (about 10-20 ms per phrase) runs in
  espeak-ng's own thread and usually, not always, ends inside ``runAndWait``
  (the worker waits for "finished-utterance"), and the WAV matches
  ``espeak-ng -v cmn-latn-pinyin -s RATE -w`` (same voice, same length).
- espeak-ng is initialised once per process and its synthesis callback is one
  process-wide global, so there must be exactly one pyttsx3 engine per process
  and it must only be touched from one thread: _Pyttsx3Thread below.
- Voice ids are espeak-ng identifiers lower-cased: ``sit/cmn-latn-pinyin``
  (espeak-ng lists ``sit/cmn-Latn-pinyin``), ``sit/cmn``, ``gmw/en-us``,
  ``gmw/en``. ``sit/cmn`` reads Chinese characters as English-ish syllables;
  ``sit/cmn-latn-pinyin`` reads them correctly.
- ``setProperty('voice', unknown)`` fails silently (the error goes to an
  "error" notification and the previous voice stays), so voices are checked
  against ``getProperty('voices')`` here.
- ``runAndWait`` calls ``espeak_Cancel`` before each phrase, which empties or
  truncates one phrase in 200-400; the driver's ``stop`` is disabled below
  (0 bad phrases in 2,000 afterwards). Output lengths still vary by a few
  samples between runs of the same text (espeak-ng keeps some state).
- If a command raises inside ``runAndWait`` the engine stays "in loop" and
  every later call raises "run loop already started"; ``endLoop()`` resets it.
- The espeak driver ``print``s "Audio saved to ..." on every save; that goes
  to the log at debug level instead of stdout.
"""

from __future__ import annotations

import importlib
import logging
import queue
import shutil
import subprocess
import threading
import wave
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol

from display.phrases import Language

log = logging.getLogger(__name__)

DEFAULT_ZH_VOICE = "sit/cmn-latn-pinyin"
DEFAULT_EN_VOICE = "gmw/en-us"
DEFAULT_RATE = 160  # words per minute; espeak-ng's own default is 175
FINISH_TIMEOUT = 30.0  # seconds for espeak-ng to finish one phrase


class SpeechError(RuntimeError):
    """Synthesis failed: no engine, unknown voice, no audio written, timeout."""


class SpeechEngine(Protocol):
    """Turns one line of text into a WAV file."""

    def synthesize(self, text: str, lang: Language, out_path: Path) -> None:
        """Write ``text`` spoken in ``lang`` to ``out_path`` as a WAV file."""
        ...


def _check_written(out_path: Path, what: str) -> None:
    try:
        with wave.open(str(out_path), "rb") as reader:
            frames = reader.getnframes()
    except (OSError, EOFError, wave.Error) as error:
        raise SpeechError(f"{what} wrote no readable WAV to {out_path}: {error}") from None
    if frames == 0:
        raise SpeechError(f"{what} wrote an empty WAV to {out_path}")


def _check_rate(rate: int) -> None:
    if not 80 <= rate <= 450:
        raise ValueError(f"speech rate {rate} is outside 80..450 words per minute")


@dataclass
class _Job:
    text: str
    voice: str
    rate: int
    volume: float
    out_path: Path
    done: Future[None] = field(default_factory=Future)


class _Pyttsx3Thread:
    """The one thread of this process that owns the pyttsx3 engine."""

    _shared: ClassVar[_Pyttsx3Thread | None] = None
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()

    @classmethod
    def shared(cls) -> _Pyttsx3Thread:
        with cls._shared_lock:
            if cls._shared is None:
                cls._shared = cls()
            return cls._shared

    def __init__(self) -> None:
        self._jobs: queue.Queue[_Job] = queue.Queue()
        self.voices: Future[list[str]] = Future()
        # A daemon thread: espeak-ng cannot be shut down and re-initialised in
        # one process anyway, and a stuck synthesis must not block exit.
        threading.Thread(target=self._run, name="pyttsx3", daemon=True).start()

    def submit(self, job: _Job) -> Future[None]:
        self._jobs.put(job)
        return job.done

    def _run(self) -> None:
        try:
            pyttsx3 = importlib.import_module("pyttsx3")
            driver_module = importlib.import_module("pyttsx3.drivers.espeak")
            driver_module.print = _log_driver_print  # type: ignore[attr-defined]
            engine = pyttsx3.init("espeak")
            # runAndWait() calls the driver's stop(), which calls espeak_Cancel()
            # whenever espeak_IsPlaying() says so (most of the time, even in
            # synchronous mode); about one phrase in 200 then came out empty or
            # cut short. Nothing here ever interrupts speech, so stop is a no-op.
            engine.proxy._driver.stop = lambda: None
            self.voices.set_result([voice.id for voice in engine.getProperty("voices")])
        except Exception as error:  # ImportError, OSError (no libespeak-ng), RuntimeError
            self.voices.set_exception(SpeechError(f"pyttsx3/espeak-ng could not start: {error}"))
            return
        errors: list[BaseException] = []
        engine.connect("error", lambda exception=None, **_: errors.append(exception))
        finished = threading.Event()
        engine.connect("finished-utterance", lambda **_: finished.set())
        while True:
            job = self._jobs.get()
            errors.clear()
            finished.clear()
            try:
                self._speak(engine, job)
                # espeak-ng writes the phrase from a thread of its own (retrieval mode
                # is asynchronous): runAndWait() can return before the WAV exists, as
                # it does now and then for the first phrase of a process. Wait for it.
                if not errors and not finished.wait(FINISH_TIMEOUT):
                    raise SpeechError(f"pyttsx3 did not finish {job.text!r} in {FINISH_TIMEOUT}s")
                if errors:
                    raise SpeechError(f"pyttsx3 reported: {errors[0]!r}")
                _check_written(job.out_path, "pyttsx3")
            except Exception as error:
                self._reset_loop(engine)
                job.done.set_exception(error)
            else:
                job.done.set_result(None)

    @staticmethod
    def _speak(engine: Any, job: _Job) -> None:
        job.out_path.unlink(missing_ok=True)
        engine.setProperty("voice", job.voice)
        engine.setProperty("rate", job.rate)
        engine.setProperty("volume", job.volume)
        engine.save_to_file(job.text, str(job.out_path))
        engine.runAndWait()

    @staticmethod
    def _reset_loop(engine: Any) -> None:
        try:
            engine.endLoop()
        except RuntimeError:  # "run loop not started": nothing to reset
            pass


def _similar_voices(lang: Language, available: list[str]) -> list[str]:
    if lang == "zh":
        return [voice for voice in available if "cmn" in voice or "yue" in voice]
    return [voice for voice in available if voice.split("/")[-1].startswith(lang)]


def _log_driver_print(*args: object, **_: object) -> None:
    log.debug("pyttsx3: %s", " ".join(str(arg) for arg in args))


class Pyttsx3Engine:
    """Speech through pyttsx3 over espeak-ng, written to WAV with save_to_file.

    All instances share one worker thread (see the module docstring). Voices
    are espeak-ng identifiers as pyttsx3 lists them, e.g. ``sit/cmn-latn-pinyin``.
    """

    def __init__(
        self,
        *,
        zh_voice: str = DEFAULT_ZH_VOICE,
        en_voice: str = DEFAULT_EN_VOICE,
        rate: int = DEFAULT_RATE,
        volume: float = 1.0,
        timeout: float = 30.0,
    ) -> None:
        _check_rate(rate)
        if not 0.0 <= volume <= 1.0:
            raise ValueError(f"volume {volume} is outside 0.0..1.0")
        self.voices: dict[Language, str] = {"zh": zh_voice.lower(), "en": en_voice.lower()}
        self.rate = rate
        self.volume = volume
        self.timeout = timeout
        self._checked = False

    def available_voices(self) -> list[str]:
        """Return the voice ids pyttsx3 offers (starts the worker thread if needed)."""
        try:
            return _Pyttsx3Thread.shared().voices.result(self.timeout)
        except TimeoutError:
            raise SpeechError("pyttsx3 did not start in time") from None

    def check(self) -> None:
        """Raise SpeechError unless pyttsx3 runs and both configured voices exist."""
        available = self.available_voices()
        for lang, voice in self.voices.items():
            if voice not in available:
                similar = _similar_voices(lang, available)
                raise SpeechError(
                    f"voice {voice!r} for {lang} is not installed; "
                    f"similar voices: {', '.join(similar) or 'none'}"
                )
        self._checked = True

    def synthesize(self, text: str, lang: Language, out_path: Path) -> None:
        """Write ``text`` spoken with the voice for ``lang`` to ``out_path``."""
        if not self._checked:
            self.check()
        job = _Job(text, self.voices[lang], self.rate, self.volume, out_path)
        try:
            _Pyttsx3Thread.shared().submit(job).result(self.timeout)
        except TimeoutError:
            raise SpeechError(f"pyttsx3 took more than {self.timeout}s for {text!r}") from None


class EspeakNgEngine:
    """Fallback: run the ``espeak-ng`` program once per line (``-w out.wav``).

    Same voices and the same output as Pyttsx3Engine; costs a process start
    (about 30 ms) per line. Voice names are espeak-ng's (``cmn-latn-pinyin``).
    """

    def __init__(
        self,
        *,
        zh_voice: str = "cmn-latn-pinyin",
        en_voice: str = "en-us",
        rate: int = DEFAULT_RATE,
        amplitude: int = 100,
        binary: str = "espeak-ng",
        timeout: float = 30.0,
    ) -> None:
        _check_rate(rate)
        self.voices: dict[Language, str] = {"zh": zh_voice, "en": en_voice}
        self.rate = rate
        self.amplitude = amplitude
        self.binary = binary
        self.timeout = timeout
        self._checked = False

    def _program(self) -> str:
        program = shutil.which(self.binary)
        if program is None:
            raise SpeechError(f"{self.binary} is not installed (apt-get install espeak-ng)")
        return program

    def available_voices(self) -> list[str]:
        """Return the names espeak-ng accepts for ``-v`` (languages and voice files)."""
        listing = subprocess.run(
            [self._program(), "--voices"], capture_output=True, text=True,
            timeout=self.timeout, check=False,
        )
        names: list[str] = []
        for line in listing.stdout.splitlines()[1:]:
            columns = line.split()
            if len(columns) >= 5:
                names += [columns[1].lower(), columns[4].lower()]
        return names

    def check(self) -> None:
        """Raise SpeechError unless espeak-ng runs and both configured voices exist.

        espeak-ng itself quietly falls back on a prefix (``no-such-voice`` speaks
        Norwegian), so the names are checked against ``espeak-ng --voices``.
        """
        available = self.available_voices()
        for lang, voice in self.voices.items():
            if voice.lower() not in available:
                similar = sorted(set(_similar_voices(lang, available)))
                raise SpeechError(
                    f"voice {voice!r} for {lang} is not installed; "
                    f"similar voices: {', '.join(similar) or 'none'}"
                )
        self._checked = True

    def synthesize(self, text: str, lang: Language, out_path: Path) -> None:
        """Write ``text`` spoken with the voice for ``lang`` to ``out_path``."""
        if not self._checked:
            self.check()
        out_path.unlink(missing_ok=True)
        command = [self._program(), "-v", self.voices[lang], "-s", str(self.rate),
                   "-a", str(self.amplitude), "-w", str(out_path), "--stdin"]
        try:
            result = subprocess.run(
                command, input=text.encode("utf-8"), capture_output=True,
                timeout=self.timeout, check=False,
            )
        except subprocess.TimeoutExpired:
            raise SpeechError(f"espeak-ng took more than {self.timeout}s for {text!r}") from None
        if result.returncode != 0:
            message = result.stderr.decode("utf-8", "replace").strip()
            raise SpeechError(f"espeak-ng failed ({result.returncode}): {message}")
        _check_written(out_path, "espeak-ng")
