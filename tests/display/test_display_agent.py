"""`jiaohao display` run as an operator runs it, against a real hub.

--speak --no-window --speak-to DIR records what the hall would hear: each call
in order, a recall again, a call missed during a network drop after it, a call
gone stale during a drop not at all. Without a sound card the agent says so
(log and device health) and goes on. Under Xvfb it shows the hall page.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from display.chime import DEFAULT_CHIME
from display.wavs import wav_duration
from tests.display.conftest import CuttableLink, Desk, wait_for
from tools.process import HubProcess

pytestmark = pytest.mark.slow

Measure = Callable[..., dict[str, float]]
NO_SOUND_CARD = not Path("/proc/asound/cards").exists() or \
    "no soundcards" in Path("/proc/asound/cards").read_text()


class Agent:
    """A `jiaohao display ...` process with its log in a file."""

    started: ClassVar[list[Agent]] = []

    def __init__(self, folder: Path, *args: str, wrapper: tuple[str, ...] = ()) -> None:
        self.log_path = folder / "agent.log"
        with self.log_path.open("wb") as log:  # the child keeps its own copy open
            self.process = subprocess.Popen(
                [*wrapper, sys.executable, "-m", "tools.cli", "display", *args],
                stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        Agent.started.append(self)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_log(self, text: str, timeout: float = 30) -> None:
        wait_for(lambda: text in self.log() or self.process.poll() is not None, timeout,
                 f"{text!r} in the agent's log")
        assert text in self.log(), self.log()

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(30)
        assert "Traceback" not in self.log(), self.log()
        return code


@pytest.fixture(autouse=True)
def _no_agent_left_running() -> Iterator[None]:
    """A failed test must not leave its agent (and Xvfb) running."""
    before = set(Agent.started)
    yield
    for agent in set(Agent.started) - before:
        if agent.process.poll() is None:
            agent.process.kill()
            agent.process.wait(30)


def wavs(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.glob("*.wav"))


def test_speaking_alone_records_every_call_once_in_order_across_drops(
    demo_hub: HubProcess, desk: Callable[[int], Desk], link: CuttableLink, tmp_path: Path,
    measure: Measure,
) -> None:
    out = tmp_path / "spoken"
    agent = Agent(tmp_path, "--hub", link.url, "--token", demo_hub.tokens["hall-1"],
                  "--speak", "--no-window", "--speak-to", str(out), "--max-age", "4")
    agent.wait_log("listening to hall")
    one, three, four = desk(1), desk(3), desk(4)
    numbers = []
    for clerk in (one, three, four):
        clerk.issue()
        numbers.append(clerk.call_next())
    one.act("recall")
    expected = [f"000{i}-{n}.wav" for i, n in enumerate([*numbers, numbers[0]], start=1)]
    wait_for(lambda: len(wavs(out)) >= 4, 60, "four announcements")
    assert wavs(out) == expected

    for name in expected:
        stats = measure(out / name)
        assert stats["RMS amplitude"] > 0.05, name           # not silent
        assert 2.0 < stats["Length (seconds)"] < 15, name     # chime + the phrase twice
        speech = measure(out / name, "trim", "1.0", "1.5")
        assert speech["RMS amplitude"] > 0.05, f"{name}: no speech after the chime"
    # The recall says the same words as the call; a longer window number takes longer.
    assert wav_duration(out / expected[3]) == pytest.approx(wav_duration(out / expected[0]),
                                                            rel=0.02)

    # A call made while the network is down is spoken once the agent is back.
    link.cut()
    agent.wait_log("lost; reconnecting")
    four.issue()
    missed = four.call_next()
    link.restore()
    wait_for(lambda: len(wavs(out)) >= 5, 60, "the missed call spoken")
    assert wavs(out)[4] == f"0005-{missed}.wav"

    # One that is older than --max-age when the agent hears of it is shown, not spoken.
    link.cut()
    agent.wait_log("lost; reconnecting")
    three.issue()
    stale = three.call_next()
    time.sleep(5)  # longer than --max-age 4
    link.restore()
    agent.wait_log(f"({stale}) not spoken: stale")
    one.issue()
    later = one.call_next()
    wait_for(lambda: len(wavs(out)) >= 6, 60, "the next live call spoken")
    assert wavs(out)[5:] == [f"0006-{later}.wav"]
    assert agent.stop() == 0


@pytest.mark.skipif(not NO_SOUND_CARD, reason="this machine has a sound card")
def test_without_a_sound_card_the_agent_says_so_and_keeps_listening(
    demo_hub: HubProcess, desk: Callable[[int], Desk], tmp_path: Path
) -> None:
    agent = Agent(tmp_path, "--hub", demo_hub.url, "--token", demo_hub.tokens["window-2"],
                  "--window", "2", "--speak", "--no-window")
    agent.wait_log("没有音频设备 / no sound device")
    wait_for(lambda: "device window-2 health" in demo_hub.log(), 20, "the health report")
    report = [line for line in demo_hub.log().splitlines() if "device window-2 health" in line]
    assert '"sound": "no_device"' in report[-1]
    agent.wait_log("listening to window:2")
    clerk = desk(2)
    clerk.issue()
    number = clerk.call_next()
    agent.wait_log(f"({number}): no_device")
    assert agent.process.poll() is None
    assert agent.stop() == 0


def test_a_clip_folder_speaks_with_recorded_clips(
    demo_hub: HubProcess, desk: Callable[[int], Desk], tmp_path: Path,
    write_tone: Callable[..., Path],
) -> None:
    clips = tmp_path / "clips"
    clips.mkdir()
    words = ["请", "号到", "号窗口办理", *"ABCDEF", *"零一二三四五六七八九十"]
    for index, word in enumerate(words):
        write_tone(clips / f"{word}.wav", 300 + 20 * index, 0.1 + 0.01 * index)
    out = tmp_path / "spoken"
    agent = Agent(tmp_path, "--hub", demo_hub.url, "--token", demo_hub.tokens["hall-1"],
                  "--speak", "--no-window", "--speak-to", str(out), "--clips", str(clips),
                  "--repeat", "1")
    agent.wait_log("listening to hall")
    clerk = desk(8)
    clerk.issue("civil-affairs")
    number = clerk.call_next()
    wait_for(lambda: wavs(out), 30, "the announcement")
    assert wavs(out) == [f"0001-{number}.wav"]
    # chime, 0.15 s, then 请 + letter + three digits + 号到 + 八 + 号窗口办理, nothing else.
    said = ["请", number[0], *("零一二三四五六七八九"[int(d)] for d in number[1:]), "号到", "八",
            "号窗口办理"]
    expected = wav_duration(DEFAULT_CHIME) + 0.15 + sum(wav_duration(clips / f"{w}.wav")
                                                        for w in said)
    assert wav_duration(out / wavs(out)[0]) == pytest.approx(expected, abs=0.002)
    assert agent.stop() == 0


@pytest.mark.parametrize("options, message", [
    (["--no-window"], "--no-window shows nothing"),
    (["--speak", "--no-window", "--phrase", "请到{window}号窗口"], "--phrase: "),
    (["--speak", "--no-window", "--clips", "/no/such/folder"], "--clips: "),
    (["--speak", "--no-window", "--voice", "no-such-voice"], "--voice: voice 'no-such-voice'"),
    (["--repeat", "0"], "--repeat must be 1..5"),
])
def test_bad_options_fail_in_one_clear_line(
    demo_hub: HubProcess, options: list[str], message: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tools.cli", "display", "--hub", demo_hub.url, "--token",
         demo_hub.tokens["hall-1"], *options], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("jiaohao display:")]
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_help_documents_speaking_to_a_folder() -> None:
    result = subprocess.run([sys.executable, "-m", "tools.cli", "display", "--help"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "--speak-to DIR" in result.stdout and "implies --speak" in result.stdout


def _screen_colours(path: Path) -> dict[str, float]:
    """Shares of the screenshot in the hall page's navy, header red and number yellow."""
    from PIL import Image

    with Image.open(path) as image:
        raw = image.convert("RGB").resize((480, 270)).tobytes()
    pixels = [tuple(raw[i:i + 3]) for i in range(0, len(raw), 3)]

    def share(target: tuple[int, int, int]) -> float:
        near = [p for p in pixels if sum(abs(a - b) for a, b in zip(p, target, strict=True)) < 40]
        return len(near) / len(pixels)

    return {"navy": share((10, 35, 66)), "red": share((140, 28, 22)),
            "yellow": share((255, 213, 74)), "orange": share((255, 138, 61))}


@pytest.mark.parametrize("voice", [
    "speak-to",
    pytest.param("no-sound-card", marks=pytest.mark.skipif(
        not NO_SOUND_CARD, reason="this machine has a sound card")),
])
def test_the_agent_shows_the_hall_full_screen_under_xvfb(
    demo_hub: HubProcess, desk: Callable[[int], Desk], tmp_path: Path, voice: str
) -> None:
    from tests.support.browser import ARTIFACTS

    info = tmp_path / "x11"
    out = tmp_path / "spoken"
    speak = ["--speak-to", str(out)] if voice == "speak-to" else ["--speak"]
    agent = Agent(
        tmp_path, "--hub", demo_hub.url, "--token", demo_hub.tokens["hall-1"], *speak,
        wrapper=("xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", "sh", "-c",
                 f'echo "$DISPLAY $XAUTHORITY $$" > {info}; exec "$@"', "agent"),
    )
    # The agent's own pid ($$ before exec), to stop it so that xvfb-run stops Xvfb.
    display, xauthority, pid = wait_for(lambda: info.exists() and info.read_text().split(), 30)
    try:
        agent.wait_log("showing http", timeout=60)
        wait_for(lambda: '"state": "shown"' in demo_hub.log(), 30, "the display's health")
        clerk = desk(3)
        clerk.issue()
        number = clerk.call_next()
        if voice == "speak-to":
            wait_for(lambda: wavs(out), 30, "the announcement")
        else:
            agent.wait_log(f"({number}): no_device")
        shot = ARTIFACTS / f"display_agent_xvfb_hall_{voice}.png"
        ARTIFACTS.mkdir(exist_ok=True)

        def page_shown() -> dict[str, float] | None:
            subprocess.run(["import", "-window", "root", "-display", display, str(shot)],
                           env={**os.environ, "XAUTHORITY": xauthority}, check=True,
                           timeout=30, capture_output=True)
            colours = _screen_colours(shot)
            shown = colours["navy"] > 0.3 and colours["red"] > 0.03 and colours["yellow"] > 0.01
            # Without a sound card the page says so in an orange corner notice.
            noticed = voice == "speak-to" or colours["orange"] > 0.002
            return colours if shown and noticed else None

        wait_for(page_shown, 60, "the hall page filling the X screen")
    finally:
        os.kill(int(pid), signal.SIGTERM)
        agent.process.wait(30)
    assert "Traceback" not in agent.log(), agent.log()


@pytest.mark.skipif(not NO_SOUND_CARD, reason="this machine has a sound card")
def test_a_mute_hall_is_reported_again_to_a_restarted_hub(tmp_path: Path) -> None:
    """The hub keeps device health in memory (one process): after a restart the
    agent tells it again, within seconds, that this hall has no sound."""
    import requests

    hub = HubProcess("gevent", folder=str(tmp_path / "hub"))
    hub.add_user("director", "manager")
    hub.add_device("hall-1", "display")
    hub.start()
    agent = Agent(tmp_path, "--hub", hub.url, "--token", hub.tokens["hall-1"],
                  "--speak", "--no-window")
    try:
        def sound() -> object:
            try:
                answer = requests.get(f"{hub.url}/api/v1/devices", timeout=3, headers={
                    "Authorization": f"Bearer {hub.login('director')}"})
            except requests.RequestException:
                return None
            if answer.status_code != 200:
                return None
            return next((d["report"].get("sound") for d in answer.json()["devices"]
                         if d["device"] == "hall-1"), None)

        wait_for(lambda: sound() is not None, 30, "the first sound report")
        assert sound()["sound"] == "no_device"  # type: ignore[index]
        hub.stop()
        hub.start()
        started = time.monotonic()
        wait_for(lambda: sound() is not None, 10, "the sound report again after the restart")
        assert time.monotonic() - started < 10
        assert sound()["sound"] == "no_device"  # type: ignore[index]
        agent.wait_log("sending this device's health again")
        assert agent.process.poll() is None
        assert agent.stop() == 0
    finally:
        hub.stop()
