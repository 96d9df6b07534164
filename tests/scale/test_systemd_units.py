"""The deployment's unit files are accepted by systemd-analyze verify."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNITS = sorted((ROOT / "systemd").glob("*.service"))


@pytest.mark.slow
def test_every_unit_file_is_accepted_by_systemd_analyze_verify(tmp_path: Any) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.fail("systemd-analyze is missing: run scripts/setup")
    assert {u.name for u in UNITS} >= {"jiaohao-hub.service", "jiaohao-hub@.service",
                                       "jiaohao-kiosk.service", "jiaohao-display.service",
                                       "jiaohao-caller.service"}
    # The units name /opt/jiaohao, where a center installs this checkout; verify
    # them against this checkout, whose .venv/bin/jiaohao exists.
    for unit in UNITS:
        text = unit.read_text().replace("/opt/jiaohao", str(ROOT))
        (tmp_path / unit.name).write_text(text)
    result = subprocess.run([analyze, "verify", *sorted(str(p) for p in tmp_path.iterdir())],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Unknown" not in result.stderr, result.stderr
    assert "not executable" not in result.stderr, result.stderr


def test_redis_drop_in_turns_on_aof_with_fsync_on_every_write() -> None:
    drop_in = (ROOT / "systemd" / "redis-server.service.d" / "jiaohao.conf").read_text()
    exec_lines = [line for line in drop_in.splitlines() if line.startswith("ExecStart=")]
    assert exec_lines[0] == "ExecStart="  # resets Debian's command before replacing it
    assert "--appendonly yes" in exec_lines[1]
    assert "--appendfsync always" in exec_lines[1]
