"""GET /api/v1/calls/<seq>/audio.wav: a call's announcement, for screens without the agent.

Many halls drive their TVs from a plain browser or a TV box, not `jiaohao display
--speak`. For them the hub renders each call's phrase itself: the chime, then the
Mandarin phrase, with the display program's phrase, chime and voice
(display/phrases.py, display/chime.py, espeak-ng), and serves it as a WAV.

Public, like the hall screen: it says only a number and a window, both shown on
the screens already. Only a call of today that the hub still holds (the recent
calls of the hall) can be rendered, so nobody can make the hub synthesise text
of their choosing. espeak-ng runs as a child process (waited for cooperatively
under gevent/eventlet, so the event loop keeps serving), one call at a time;
answers are cached by (center, number, window).
"""

from __future__ import annotations

import re
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from flask import Blueprint, Response

from hub.read import views
from hub.web.api import center_for, principal
from hub.web.validation import ApiError

api_audio = Blueprint("api_audio", __name__, url_prefix="/api/v1")

CACHE_SIZE = 64
SEQ = re.compile(r"[1-9][0-9]{0,11}")
CHIME = Path(__file__).resolve().parents[2] / "assets" / "sounds" / "chime.wav"
_cache: OrderedDict[tuple[str, str, int], bytes] = OrderedDict()
_cache_lock = threading.Lock()
_render_lock = threading.Lock()


def render_call(number: str, window: int, work: Path) -> bytes:
    """The WAV bytes of the call of `number` to `window`: chime, pause, phrase."""
    from display.phrases import PhraseTemplate
    from display.speech import EspeakNgEngine
    from display.wavs import join_wavs

    engine = EspeakNgEngine(zh_voice="cmn-latn-pinyin")
    parts: list[Path | float] = [CHIME, 0.15]
    for index, line in enumerate(PhraseTemplate().render(number, window, f"{window}号窗口")):
        path = work / f"line-{index}.wav"
        engine.synthesize(line.text, line.lang, path)
        parts.append(path)
    out = work / "call.wav"
    join_wavs(parts, out)
    return out.read_bytes()


def _rendered(number: str, window: int, key: tuple[str, str, int]) -> bytes:
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    with _render_lock, tempfile.TemporaryDirectory(prefix="jiaohao-call-") as work:
        with _cache_lock:  # rendered by another request meanwhile
            if key in _cache:
                return _cache[key]
        wav = render_call(number, window, Path(work))
    with _cache_lock:
        _cache[key] = wav
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return wav


@api_audio.get("/calls/<seq>/audio.wav")
def call_audio(seq: str) -> Any:
    """The announcement of the call journaled at `seq` (a ticket_called or _recalled)."""
    if not SEQ.fullmatch(seq):
        raise ApiError(422, "invalid_field", "seq must be a whole number > 0", "seq")
    center = center_for(principal())
    now = center.clock()

    def find(state: Any) -> dict[str, Any] | None:
        if not views.is_today(state, state.config, now):
            return None
        for call in state.recent_calls:
            if call.get("seq") == int(seq):
                return {"number": str(call["number"]), "window": int(call["window"])}
        return None

    call = center.read(find)
    if call is None:
        raise ApiError(404, "unknown_call", "no such call among today's recent calls", "seq")
    key = (center.id, call["number"], call["window"])
    try:
        # espeak-ng runs as its own process: under gevent/eventlet the wait for it is
        # cooperative (the patched subprocess), so the event loop keeps serving; what
        # runs here is only the join of ~100k samples.
        wav = _rendered(call["number"], call["window"], key)
    except Exception as error:  # noqa: BLE001 - no voice on this hub: say so, the screen goes on
        raise ApiError(503, "no_voice", f"the hub cannot render speech: {error}") from None
    response = Response(wav, mimetype="audio/wav")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
