"""The device programs' user units fit a real desktop session.

A kiosk, display or caller runs as a systemd *user* unit of the PC's auto-login
user. The user manager does not have the session's DISPLAY/XAUTHORITY unless the
session imports them, so each unit says how (and refuses to start a window
without them, in one clear line, until the session has done so); each starts
after the graphical session, stops with it, and restarts after a failure with a
delay.
"""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow  # systemd-analyze and sh run as processes

ROOT = Path(__file__).resolve().parents[2]
DEVICE_UNITS = ["jiaohao-kiosk.service", "jiaohao-display.service", "jiaohao-caller.service"]
IMPORTS = ("systemctl --user import-environment DISPLAY XAUTHORITY",
           "dbus-update-activation-environment --systemd DISPLAY XAUTHORITY")


def parse(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((ROOT / "systemd" / name).read_text())
    return parser


@pytest.mark.parametrize("name", DEVICE_UNITS)
def test_a_device_unit_follows_the_graphical_session(name: str) -> None:
    unit = parse(name)
    assert "graphical-session.target" in unit["Unit"]["After"].split()
    assert "graphical-session.target" in unit["Unit"]["PartOf"].split()
    assert "graphical-session.target" in unit["Install"]["WantedBy"].split()
    # Public screens come back whatever ended them (a citizen's Alt+F4 exits cleanly);
    # a clerk's caller closed on purpose stays closed.
    expected = "on-failure" if name == "jiaohao-caller.service" else "always"
    assert unit["Service"]["Restart"] == expected
    assert float(unit["Service"]["RestartSec"].rstrip("s")) >= 2


@pytest.mark.parametrize("name", DEVICE_UNITS)
def test_a_device_unit_says_how_the_session_hands_it_the_display(name: str) -> None:
    text = (ROOT / "systemd" / name).read_text()
    comments = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    for command in IMPORTS:
        assert command in comments, f"{name} does not explain {command!r}"


def start_check(name: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the unit's ExecStartPre as systemd would (`$$` is a literal `$`)."""
    line = parse(name)["Service"]["ExecStartPre"]
    prefix = "/bin/sh -c "
    assert line.startswith(prefix + "'") and line.endswith("'")
    script = line[len(prefix) + 1:-1].replace("$$", "$")
    return subprocess.run(["/bin/sh", "-c", script], env={"PATH": "/usr/bin:/bin", **env},
                          capture_output=True, text=True, timeout=10)


@pytest.mark.parametrize("name", DEVICE_UNITS)
def test_a_window_unit_refuses_to_start_without_a_display(name: str) -> None:
    refused = start_check(name, {"JIAOHAO_DISPLAY_ARGS": "--speak"})
    assert refused.returncode == 1
    assert "systemctl --user import-environment DISPLAY XAUTHORITY" in refused.stderr
    assert start_check(name, {"DISPLAY": ":0", "JIAOHAO_DISPLAY_ARGS": "--speak"}
                       ).returncode == 0


def test_a_voice_only_display_needs_no_x_display() -> None:
    assert start_check("jiaohao-display.service",
                       {"JIAOHAO_DISPLAY_ARGS": "--speak --no-window"}).returncode == 0


def test_the_readme_install_part_imports_the_display_into_the_user_manager() -> None:
    readme = (ROOT / "README.md").read_text()
    install = readme[readme.index("Each kiosk, display and clerk PC"):]
    install = install[:install.index("\n## ")]
    for command in IMPORTS:
        assert command in install
    assert "graphical-session.target" in install


def test_the_device_units_pass_systemd_analyze_verify(tmp_path: Any) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not on this machine")
    for name in DEVICE_UNITS:
        text = (ROOT / "systemd" / name).read_text().replace("/opt/jiaohao", str(ROOT))
        (tmp_path / name).write_text(text)
    result = subprocess.run([analyze, "verify", *sorted(str(p) for p in tmp_path.iterdir())],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Unknown" not in result.stderr, result.stderr
