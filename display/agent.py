"""`jiaohao display`: a hall or window screen, and optionally the hall's voice.

Opens /display/hall (or /display/window/N with --window N) full screen in
pywebview. With --speak it also runs the Announcer, fed by its own /live
subscription (display.listener) with `since`, so a call is spoken once even
across reconnects; --speak --no-window runs only the voice, without GTK, on a
PC with speakers. A missing sound device is logged, reported to the hub as the
device's health and shown in a corner of the screen; the screen keeps working.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from client.agent import (
    AgentError,
    HealthReporter,
    check_hub_url,
    open_window,
    page_url,
    wait_for_hub,
)
from display.announcer import Announcer
from display.clips import ClipEngine, ClipError
from display.listener import Event, HubClock, LiveListener
from display.phrases import DEFAULT_EN_TEMPLATE, PhraseTemplate, TemplateError
from display.sinks import AlsaSink, AudioSink, DirectorySink
from display.speech import Pyttsx3Engine, SpeechEngine, SpeechError

log = logging.getLogger(__name__)

NOTICES = {"no_device": "无语音：没有音频设备 · No sound device",
           "error": "无语音：语音故障 · Voice failure"}


def build_engine(args: argparse.Namespace, template: PhraseTemplate) -> SpeechEngine:
    """The speech engine the options ask for, checked now so a bad voice fails at start."""
    if args.clips:
        folder = Path(args.clips)
        if not folder.is_dir():
            raise AgentError(f"--clips: {folder} is not a folder of WAV clips")
        try:
            clips = ClipEngine(folder)
            # Every line of a call must be sayable: try one with every digit in it.
            for number, window in (("A012", 34), ("B567", 89)):
                for line in template.render(number, window, f"{window}号窗口", "service"):
                    clips.split(line.text)
        except ClipError as error:
            raise AgentError(f"--clips: {error}") from None
        return clips
    engine = Pyttsx3Engine(zh_voice=args.voice)
    try:
        engine.check()
    except SpeechError as error:
        raise AgentError(f"--voice: {error}") from None
    return engine


def build_template(args: argparse.Namespace) -> PhraseTemplate:
    """The call phrase: --phrase in Chinese, plus the default English line with --english."""
    try:
        return PhraseTemplate(zh=args.phrase, en=DEFAULT_EN_TEMPLATE if args.english else None)
    except TemplateError as error:
        raise AgentError(f"--phrase: {error}") from None


class Voice:
    """The announcer with its own /live listener, reporting sound health as it changes."""

    def __init__(self, hub: str, args: argparse.Namespace, reporter: HealthReporter) -> None:
        template = build_template(args)
        engine = build_engine(args, template)
        sink: AudioSink = DirectorySink(Path(args.speak_to)) if args.speak_to else AlsaSink()
        self.reporter = reporter
        self.notice: str | None = None
        self.show_notice = lambda text: None  # set once a window shows the page
        self._background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="health")
        self.clock = HubClock()
        self.announcer = Announcer(
            engine, sink, template, repeat=args.repeat, max_age_seconds=args.max_age,
            clock=self.clock.now, on_health=self._health, on_stats=_log_announcement,
        )
        rooms = [f"window:{args.window}"] if args.window else ["hall"]
        self.listener = LiveListener(hub, args.token, rooms, self._event, clock=self.clock,
                                     on_status=self._status)

    def start(self) -> Voice:
        """Start listening (in the background)."""
        self.listener.start()
        return self

    def close(self) -> None:
        """Stop listening and drop what is still queued to be said."""
        self.listener.close()
        self.announcer.close(drain=False, timeout=10)
        self._background.shutdown(wait=True, cancel_futures=False)

    def _event(self, event: Event, live: bool) -> None:
        decision = self.announcer.announce(event)
        if decision not in ("ignored", "queued"):
            data = event.get("data") or {}
            log.info("call seq %s (%s) not spoken: %s", event.get("seq"), data.get("number"),
                     decision)

    def _status(self, status: str) -> None:
        # Subscribed again after a reconnect: the hub may have restarted and forgotten
        # this device's health (in memory), so tell it everything again.
        if status == "live":
            self._background.submit(self.reporter.resend)

    def _health(self, health: dict[str, str]) -> None:
        # Called from the announcer's worker: the report goes out from another thread
        # so a slow hub never holds up the next call.
        state, message = health.get("sound", "error"), health.get("message", "")
        self._background.submit(self.reporter.report, sound=health, message=message)
        # The screen gets the gist; the log and the hub get the details.
        self.notice = None if state == "ok" else NOTICES.get(state, NOTICES["error"])
        self._background.submit(self.show_notice, self.notice)


def _log_announcement(record: dict[str, Any]) -> None:
    started, queued = record.get("synth_started_at"), record.get("queued_at")
    delay = f"{(started - queued) * 1000:.1f} ms" if started is not None and queued else "-"
    log.info("announcement seq %s (%s): %s; arrival -> synthesis start %s",
             record.get("seq"), record.get("number"), record.get("outcome"), delay)


def check_options(args: argparse.Namespace) -> None:
    """Refuse contradictory or impossible options in one line each."""
    if args.speak_to:
        args.speak = True
    if args.no_window and not args.speak:
        raise AgentError("--no-window shows nothing: add --speak (or --speak-to DIR)")
    if args.window is not None and not 1 <= args.window <= 999:
        raise AgentError(f"--window must be a window number 1..999, not {args.window}")
    if args.repeat < 1 or args.repeat > 5:
        raise AgentError(f"--repeat must be 1..5, not {args.repeat}")
    if args.max_age <= 0:
        raise AgentError(f"--max-age must be a number of seconds > 0, not {args.max_age}")
    if not args.token.strip():
        raise AgentError("--token is empty: give this display's device token")


def screen_size() -> tuple[int, int]:
    """The primary screen's size, so 'full screen' fills it even without a window manager."""
    try:
        import webview

        screen = webview.screens[0]
        return int(screen.width), int(screen.height)
    except Exception:  # noqa: BLE001 - no screen information: a common TV size
        return 1920, 1080


def show(hub: str, path: str, args: argparse.Namespace, reporter: HealthReporter,
         voice: Voice | None) -> None:
    """Open the page in a pywebview window and run until it is closed."""
    fullscreen = not args.windowed
    background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="display-health")

    def started() -> None:
        import webview

        window = webview.windows[0]
        if voice is not None:
            def notify(text: str | None) -> None:
                # ASCII only (\uXXXX escapes): pywebview's GTK backend passes WebKit the
                # script's length in characters, not bytes, and so cuts Chinese text short.
                window.evaluate_js("window.JiaohaoDisplay && window.JiaohaoDisplay"
                                   f".deviceNotice({json.dumps(text, ensure_ascii=True)})")
            voice.show_notice = notify
            window.events.loaded += lambda *_: notify(voice.notice)  # again after a reload
            notify(voice.notice)  # evaluate_js waits for the page to load
        background.submit(reporter.report, display={"state": "shown", "page": path})
        log.info("showing %s%s", hub, path)

    try:
        title = "叫号 " + ("窗口屏" if args.window else "综合屏")
        # With --speak the program says the calls itself: the page must not say them too.
        shown = path + ("?voice=agent" if voice is not None else "")
        open_window(title, page_url(hub, shown, args.token), fullscreen=fullscreen,
                    size=screen_size() if fullscreen else (1280, 800), on_started=started)
    finally:
        background.shutdown(wait=False)


def wait_for_signal() -> None:
    """Block until SIGTERM or SIGINT (systemd stop, Ctrl+C)."""
    stop = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: stop.set())
    while not stop.wait(3600):
        pass


def main(args: argparse.Namespace) -> int:
    """Run the display agent with the options of `jiaohao display` (see tools/cli.py)."""
    hub = check_hub_url(args.hub)
    check_options(args)
    wait_for_hub(hub)
    reporter = HealthReporter(hub, args.token)
    reporter.keep()  # every part again whenever the hub comes back
    path = f"/display/window/{args.window}" if args.window else "/display/hall"
    voice = Voice(hub, args, reporter).start() if args.speak else None
    try:
        if args.no_window:
            log.info("speaking the calls of %s without a screen", hub)
            wait_for_signal()
        else:
            show(hub, path, args, reporter, voice)
    finally:
        if voice is not None:
            voice.close()
        reporter.close()
    return 0
