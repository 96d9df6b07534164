"""How long from a clerk pressing "call" to the hall's voice starting on the phrase.

``measure_call_to_speech`` runs what ``jiaohao display --speak`` runs (a /live
listener feeding an Announcer), recording into a temporary folder instead of
the speakers, against a running hub, makes calls through the REST API and
returns percentiles of (synthesis start - call request sent), in ms. Each call
waits for the previous announcement to finish, so the figure is the latency
of one call, not of a queue of them. `jiaohao bench` prints it (target: 500 ms).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from display.announcer import Announcer
from display.listener import HubClock, LiveListener
from display.sinks import DirectorySink
from display.speech import Pyttsx3Engine, SpeechEngine


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


class _Hub:
    def __init__(self, url: str, timeout: float) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout

    def call(self, method: str, path: str, token: str, **body: Any) -> Any:
        answer = requests.request(method, f"{self.url}{path}", json=body or None,
                                  headers={"Authorization": f"Bearer {token}"},
                                  timeout=self.timeout)
        if not answer.ok:
            raise RuntimeError(f"{method} {path}: HTTP {answer.status_code} {answer.text[:200]}")
        return answer.json()


def _staffed_window(hub: _Hub, display_token: str, window: int | None) -> dict[str, Any]:
    state = hub.call("GET", "/api/v1/state", display_token)
    staffed = [w for w in state["windows"] if w.get("clerk")]
    if window is not None:
        staffed = [w for w in state["windows"] if w["id"] == window and w.get("clerk")]
    if len(staffed) != 1:
        raise ValueError("sign the clerk in to one window first (or name it: window=N)")
    found: dict[str, Any] = staffed[0]
    return found


def measure_call_to_speech(
    hub_url: str,
    display_token: str,
    clerk_token: str,
    calls: int,
    *,
    kiosk_token: str | None = None,
    window: int | None = None,
    engine: SpeechEngine | None = None,
    timeout: float = 30.0,
) -> dict[str, Any]:
    """Call `calls` tickets at the clerk's window; return how soon each began to be spoken.

    The clerk must be signed in to a window (named by ``window`` when several
    are staffed). With ``kiosk_token`` a ticket of the window's first service is
    issued before each call; without it, enough tickets must be waiting.
    Returns ``{"calls", "spoken", "p50_ms", "p99_ms", "max_ms",
    "arrival_to_synthesis_p50_ms", "engine"}``.
    """
    if calls < 1:
        raise ValueError("calls must be at least 1")
    hub = _Hub(hub_url, timeout)
    desk = _staffed_window(hub, display_token, window)
    window_id, service = desk["id"], desk["services"][0]
    path = f"/api/v1/windows/{window_id}"
    folder = Path(tempfile.mkdtemp(prefix="jiaohao-latency-"))
    clock = HubClock()
    speech = engine or Pyttsx3Engine()
    announcer = Announcer(speech, DirectorySink(folder), clock=clock.now,
                          max_age_seconds=3600)
    listener = LiveListener(hub.url, display_token, ["hall"],
                            lambda event, live: announcer.announce(event), clock=clock)
    sent: dict[str, float] = {}
    try:
        listener.start()
        if not listener.wait_live(timeout):
            raise RuntimeError(f"could not subscribe to {hub.url}/live in {timeout} s")
        announcer.wait_until_idle(timeout)  # the first sound check
        for _ in range(calls):
            if desk.get("ticket"):
                hub.call("POST", f"{path}/complete", clerk_token)
            if kiosk_token:
                hub.call("POST", "/api/v1/tickets", kiosk_token, service=service)
            before = time.monotonic()
            answer = hub.call("POST", f"{path}/call-next", clerk_token)
            if answer.get("ticket") is None:
                raise RuntimeError(f"nobody is waiting at window {window_id}: pass kiosk_token")
            sent[answer["ticket"]["number"]] = before
            desk["ticket"] = answer["ticket"]
            if not announcer.wait_until_idle(timeout):
                raise RuntimeError(f"{answer['ticket']['number']} was not spoken in {timeout} s")
        if desk.get("ticket"):
            hub.call("POST", f"{path}/complete", clerk_token)
    finally:
        listener.close()
        announcer.close(drain=False, timeout=timeout)
        shutil.rmtree(folder, ignore_errors=True)
    latencies, queueing = [], []
    for record in announcer.stats:
        if record.number in sent and record.outcome == "played" \
                and record.synth_started_at is not None:
            latencies.append((record.synth_started_at - sent.pop(record.number)) * 1000)
            queueing.append((record.synth_started_at - record.queued_at) * 1000)
    if not latencies:
        raise RuntimeError("no call was spoken")
    return {
        "calls": calls,
        "spoken": len(latencies),
        "p50_ms": round(_percentile(latencies, 50), 1),
        "p99_ms": round(_percentile(latencies, 99), 1),
        "max_ms": round(max(latencies), 1),
        "arrival_to_synthesis_p50_ms": round(_percentile(queueing, 50), 2),
        "engine": type(speech).__name__,
    }
