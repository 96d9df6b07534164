"""Speech from recorded clips, for centers that want a human voice.

A folder holds WAV clips named by what they say: ``请.wav``, ``号到.wav``,
``号窗口办理.wav``, ``A.wav``, ``零.wav`` ... ``九.wav``, ``十.wav``. A phrase is cut
into clips by greedy longest match and the clips are joined in order. Digits
without a clip of their own are read as a Chinese number (``12`` -> 十二), so a
window number needs only the clips 零..九 and 十. Spaces are skipped and
punctuation becomes a short pause.
"""

from __future__ import annotations

import unicodedata
import wave
from dataclasses import dataclass
from pathlib import Path

from display.phrases import ZH_DIGITS, Language, chinese_integer
from display.wavs import WavFormat

PAUSE_MARKS = frozenset("，,。.、；;：:！!？?")


class ClipError(ValueError):
    """The clip folder cannot speak a phrase (missing clip, mixed formats, no clips)."""


class MissingClipError(ClipError):
    """Some text of a phrase has no clip; ``missing`` lists those pieces of text."""

    def __init__(self, missing: list[str], text: str, folder: Path) -> None:
        self.missing = missing
        pieces = ", ".join(repr(piece) for piece in missing)
        super().__init__(
            f"no clip for {pieces} in {text!r}: record it as "
            f"{', '.join(piece + '.wav' for piece in missing)} in {folder}"
        )


@dataclass(frozen=True)
class Pause:
    """A gap between clips, in seconds."""

    seconds: float


class ClipEngine:
    """A SpeechEngine that joins recorded clips; every clip must share one WAV format."""

    def __init__(self, folder: Path, *, pause_seconds: float = 0.2) -> None:
        self.folder = folder
        self.pause_seconds = pause_seconds
        self._clips: dict[str, Path] = {}
        formats: dict[WavFormat, list[str]] = {}
        for path in sorted(folder.glob("*.wav")):
            name = unicodedata.normalize("NFC", path.stem)
            with wave.open(str(path), "rb") as reader:
                found = WavFormat(
                    reader.getframerate(), reader.getnchannels(), reader.getsampwidth()
                )
            formats.setdefault(found, []).append(path.name)
            self._clips[name] = path
        if not self._clips:
            raise ClipError(f"no .wav clips in {folder}")
        if len(formats) > 1:
            described = "; ".join(
                f"{fmt.rate} Hz, {fmt.channels} ch, {8 * fmt.sample_width}-bit: {', '.join(names)}"
                for fmt, names in formats.items()
            )
            raise ClipError(f"clips in {folder} must share one WAV format, found {described}")
        (self.format,) = formats
        self._longest = max(len(name) for name in self._clips)

    @property
    def names(self) -> list[str]:
        """The texts this folder has clips for."""
        return sorted(self._clips)

    def split(self, text: str) -> list[str | Pause]:
        """Cut ``text`` into clip names and pauses; raise MissingClipError for gaps."""
        pieces: list[str | Pause] = []
        missing: list[str] = []
        self._split_into(unicodedata.normalize("NFC", text), pieces, missing)
        if missing:
            raise MissingClipError(missing, text, self.folder)
        return pieces

    def _split_into(self, text: str, pieces: list[str | Pause], missing: list[str]) -> None:
        index = 0
        gap_open = False  # whether the last character was unmatched (extend that piece)
        while index < len(text):
            char = text[index]
            if char.isspace():
                index += 1
                continue
            if char in PAUSE_MARKS:
                pieces.append(Pause(self.pause_seconds))
                index += 1
                gap_open = False
                continue
            match = next(
                (
                    text[index : index + length]
                    for length in range(min(self._longest, len(text) - index), 0, -1)
                    if text[index : index + length] in self._clips
                ),
                None,
            )
            if match is not None:
                pieces.append(match)
                index += len(match)
                gap_open = False
                continue
            if char.isascii() and char.isdigit():
                end = index
                while end < len(text) and text[end].isascii() and text[end].isdigit():
                    end += 1
                digits = text[index:end]
                words = (chinese_integer(int(digits)) if len(digits) <= 4
                         else "".join(ZH_DIGITS[int(digit)] for digit in digits))
                self._split_into(words, pieces, missing)
                index = end
                gap_open = False
                continue
            if gap_open:
                missing[-1] += char
            else:
                missing.append(char)
            gap_open = True
            index += 1

    def synthesize(self, text: str, lang: Language, out_path: Path) -> None:
        """Write ``text`` as the joined clips to ``out_path`` (``lang`` is not used)."""
        pieces = self.split(text)
        frame_bytes = self.format.channels * self.format.sample_width
        with wave.open(str(out_path), "wb") as writer:
            writer.setnchannels(self.format.channels)
            writer.setsampwidth(self.format.sample_width)
            writer.setframerate(self.format.rate)
            for piece in pieces:
                if isinstance(piece, Pause):
                    frames = round(piece.seconds * self.format.rate)
                    # 8-bit PCM is unsigned: its silence is 0x80, not 0x00.
                    fill = b"\x80" if self.format.sample_width == 1 else b"\x00"
                    writer.writeframes(fill * frames * frame_bytes)
                    continue
                with wave.open(str(self._clips[piece]), "rb") as reader:
                    writer.writeframes(reader.readframes(reader.getnframes()))
