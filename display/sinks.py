"""Where an announcement goes: the speakers (ALSA) or a folder of numbered WAV files.

A missing sound device is a state to report ("没有音频设备 / no sound device"),
not a crash: the hall screen keeps showing calls without a voice.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from display.wavs import wav_duration

SoundState = Literal["ok", "no_device", "error"]

NO_DEVICE_MESSAGE = "没有音频设备 / no sound device"


@dataclass(frozen=True)
class SoundHealth:
    """The state of the display's voice, as shown on screen and logged."""

    state: SoundState
    message: str

    def as_dict(self) -> dict[str, str]:
        """Return the health report, e.g. ``{"sound": "no_device", "message": ...}``."""
        return {"sound": self.state, "message": self.message}


class SoundError(RuntimeError):
    """Playing failed."""


class NoSoundDevice(SoundError):
    """There is no sound card to play on."""


class AudioSink(Protocol):
    """Plays one finished announcement WAV and reports whether it can play at all."""

    def play(self, wav: Path) -> None:
        """Play ``wav`` to the end; raise SoundError (or NoSoundDevice) if it cannot."""
        ...

    def check(self) -> SoundHealth:
        """Return whether this sink can play now."""
        ...


class AlsaSink:
    """Plays through ALSA with ``aplay``; ``device`` is an aplay ``-D`` name or None."""

    def __init__(self, device: str | None = None, *, aplay: str = "aplay") -> None:
        self.device = device
        self.aplay = aplay

    def _run(self, *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
        program = shutil.which(self.aplay)
        if program is None:
            raise SoundError(f"{self.aplay} is not installed (apt-get install alsa-utils)")
        return subprocess.run(
            [program, *args], capture_output=True, text=True, timeout=timeout, check=False
        )

    def check(self) -> SoundHealth:
        """Return ``no_device`` when ALSA lists no card (or not the configured device)."""
        try:
            cards = self._run("-l", timeout=10)
            names = self._run("-L", timeout=10) if self._is_named_device() else None
        except (SoundError, OSError, subprocess.TimeoutExpired) as error:
            return SoundHealth("error", f"cannot query ALSA: {error}")
        hardware = re.findall(r"^card \d+: .*$", cards.stdout, flags=re.MULTILINE)
        if names is not None:
            listed = {line for line in names.stdout.splitlines() if line and line[0] != " "}
            if self.device in listed:
                return SoundHealth("ok", f"ALSA device {self.device}")
            return SoundHealth("no_device", f"{NO_DEVICE_MESSAGE}: ALSA has no {self.device!r}")
        if not hardware:
            detail = (cards.stderr.strip() or "aplay -l lists no card").splitlines()[-1]
            return SoundHealth("no_device", f"{NO_DEVICE_MESSAGE} ({detail})")
        return SoundHealth("ok", "; ".join(hardware))

    def _is_named_device(self) -> bool:
        """Whether the device is a PCM name (pulse, pipewire, ...) rather than a card."""
        return self.device is not None and not self.device.startswith(
            ("hw:", "plughw:", "default")
        )

    def play(self, wav: Path) -> None:
        """Play ``wav`` and wait for the end; NoSoundDevice if there is nothing to play on."""
        health = self.check()
        if health.state == "no_device":
            raise NoSoundDevice(health.message)
        if health.state == "error":
            raise SoundError(health.message)
        device = ["-D", self.device] if self.device else []
        try:
            result = self._run("-q", *device, str(wav), timeout=wav_duration(wav) + 15)
        except subprocess.TimeoutExpired:
            raise SoundError(f"aplay did not finish playing {wav.name}") from None
        if result.returncode != 0:
            raise SoundError(f"aplay failed ({result.returncode}): {result.stderr.strip()}")


class DirectorySink:
    """Writes each announcement as a numbered WAV file: ``0001-A012.wav``, ``0002-A013.wav``.

    Used by tests and to record what a display would have said. Numbering goes
    on from the highest number already in the folder.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        existing = [int(match.group(1)) for path in folder.glob("*.wav")
                    if (match := re.match(r"(\d{4,})-", path.name))]
        self._counter = max(existing, default=0)
        self.written: list[Path] = []

    def check(self) -> SoundHealth:
        """Return ok: a folder needs no sound card."""
        return SoundHealth("ok", f"recording to {self.folder}")

    def play(self, wav: Path) -> None:
        """Copy ``wav`` into the folder under the next number and its own name."""
        label = re.sub(r"[^A-Za-z0-9_-]+", "_", wav.stem) or "announcement"
        with self._lock:
            self._counter += 1
            target = self.folder / f"{self._counter:04d}-{label}.wav"
            shutil.copyfile(wav, target)
            self.written.append(target)
