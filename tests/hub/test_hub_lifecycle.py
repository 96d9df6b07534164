"""Starting and stopping `jiaohao hub`: one clear line on what prevents a start, and a
clean exit on SIGTERM (as systemd stops it) with displays still connected."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hubkit import DEMO_TOML, HubProcess, clean_environment, jiaohao_command

pytestmark = pytest.mark.slow


def hub_command(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*jiaohao_command(), "hub", *args], capture_output=True, text=True,
                          env=clean_environment(), timeout=120, check=False)


def test_a_hub_that_cannot_start_says_why_in_one_line(hub: HubProcess, tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'other.db'}"
    for args, words in [
        (["--port", str(hub.port)], "cannot listen"),
        (["--store", "ftp://example.org/journal"], "unknown store"),
        (["--config", str(tmp_path / "missing.toml")], "cannot read"),
        (["--port", "70000"], "port"),
        (["--async-mode", "threads"], "invalid choice"),
    ]:
        done = hub_command("--config", str(DEMO_TOML), "--store", store, "--async-mode",
                           hub.mode, *args)
        assert done.returncode != 0, args
        lines = [line for line in done.stderr.splitlines() if line.strip()
                 and " INFO " not in line]
        assert "Traceback" not in done.stderr, done.stderr
        assert any(words in line for line in lines[-1:]), (args, done.stderr)
    assert hub.api().ok("GET", "/health")["ok"] is True


def test_displays_come_back_by_themselves_after_a_restart(hub: HubProcess) -> None:
    """SIGTERM (as systemd restarts it): exit 0; the displays' connections drop (they
    are not told "server disconnect", after which Socket.IO clients stay away), they
    reconnect when the hub is back, and resync from the seq they had."""
    displays = [hub.live(hub.device("hall-1"), reconnect=True).connect() for _ in range(3)]
    try:
        seq = hub.seq()
        for display in displays:
            assert display.subscribe(["hall"], since=None)["seq"] == seq
        assert hub.stop() == 0
        assert "hub stopped" in hub.log()
        hub.start()
        for display in displays:
            assert display.wait_state(lambda client: client.connects == 2), "not back"
            assert len(display.drops) == 1 and display.drops[0] != "server disconnect", (
                display.drops)
        for display in displays:  # as a page does on every (re)connect
            assert display.subscribe(["hall"], since=seq) == {"seq": seq, "events": []}
        ticket = hub.api(hub.device("kiosk-1")).issue("household")
        for display in displays:
            assert display.wait_seq(ticket["seq"])
            assert display.events()[-1]["data"]["number"] == ticket["number"]  # no id in public
    finally:
        for display in displays:
            display.disconnect()
