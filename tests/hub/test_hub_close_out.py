"""The close-out runs by itself at closing: a real hub whose clock runs 120× from
16:40 closes out a ticket nobody called, and its phone view says why."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support.kit import wait_until
from tools.process import DEMO_CONFIG, HubProcess

pytestmark = pytest.mark.slow


def test_a_ticket_left_at_closing_is_closed_out_by_the_hub_clock(tmp_path: Path) -> None:
    config = tmp_path / "center.toml"
    config.write_text(Path(DEMO_CONFIG).read_text(encoding="utf-8")
                      + '\n[close_out]\nafter_minutes = 0\nreason = "下班未办完"\n',
                      encoding="utf-8")
    hub = HubProcess("gevent", folder=str(tmp_path / "hub"), config=str(config),
                     env={"JIAOHAO_CLOCK": "fast:120@2025-10-14T16:40+08:00"})
    hub.add_device("kiosk-1", "kiosk")  # (the demo's appointments would be past)
    hub.start()
    try:
        kiosk = {"Authorization": f"Bearer {hub.tokens['kiosk-1']}"}
        answer = requests.post(f"{hub.url}/api/v1/tickets", json={"service": "social-security"},
                               headers=kiosk, timeout=10)
        assert answer.status_code == 201, answer.text
        ticket: dict[str, Any] = answer.json()
        assert ticket["wait"]["state"] in ("no_window", "queue")
        def closed_out() -> dict[str, Any]:
            found: dict[str, Any] = requests.get(f"{hub.url}/api/v1/tickets/{ticket['id']}",
                                                 timeout=10).json()
            return found if found.get("status") == "closed_out" else {}

        # 17:30 is under a minute away at 120×
        found = wait_until(closed_out, 90, "the ticket closed out at 17:30", interval=1)
        assert found.get("status") == "closed_out", found
        assert found["closed_out"] == {"reason": "下班未办完", "appointment": None}
        assert found["wait"] is None
        assert "closed out 1 tickets" in hub.log()
    finally:
        hub.stop()
