"""The close-out runs by itself at closing: a real hub closes out a ticket nobody
called when its own clock reaches 17:30, and its phone view says why. The ticket is
taken at 16:40 (the clock at real speed, so a slow start cannot take the hub past
closing); then the hub is restarted with its clock jumped to 17:28 and running 120×."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from hub.store.sqlite import SQLiteStore
from tests.support.kit import wait_until
from tools.process import CHINA, DEMO_CONFIG, HubProcess

pytestmark = pytest.mark.slow


def test_a_ticket_left_at_closing_is_closed_out_by_the_hub_clock(tmp_path: Path) -> None:
    config = tmp_path / "center.toml"
    config.write_text(Path(DEMO_CONFIG).read_text(encoding="utf-8")
                      + '\n[close_out]\nafter_minutes = 0\nreason = "下班未办完"\n',
                      encoding="utf-8")
    hub = HubProcess("gevent", folder=str(tmp_path / "hub"), config=str(config),
                     env={"JIAOHAO_CLOCK": "fast:1@2025-10-14T16:40+08:00"})
    hub.add_device("kiosk-1", "kiosk")  # (the demo's appointments would be past)
    hub.start()
    try:
        kiosk = {"Authorization": f"Bearer {hub.tokens['kiosk-1']}"}
        answer = requests.post(f"{hub.url}/api/v1/tickets", json={"service": "social-security"},
                               headers=kiosk, timeout=10)
        assert answer.status_code == 201, answer.text
        ticket: dict[str, Any] = answer.json()
        assert ticket["wait"]["state"] in ("no_window", "queue")
        hub.restart(at=datetime(2025, 10, 14, 17, 28, tzinfo=CHINA), speed=120)

        def closed_out() -> dict[str, Any]:
            found: dict[str, Any] = requests.get(f"{hub.url}/api/v1/tickets/{ticket['id']}",
                                                 timeout=10).json()
            return found if found.get("status") == "closed_out" else {}

        # 17:30 is a second away at 120×
        found = wait_until(closed_out, 90, "the ticket closed out at 17:30", interval=1)
        assert found.get("status") == "closed_out", found
        assert found["closed_out"] == {"reason": "下班未办完", "appointment": None}
        assert found["wait"] is None
        assert "closed out 1 tickets" in hub.log()
        # At closing by the hub's clock, not when it woke up at 17:28.
        store = SQLiteStore(hub.folder / "journal.db")
        try:
            closed = [e for e in store.load("demo") if e.type == "ticket_closed_out"]
        finally:
            store.close()
        assert [getattr(e, "ticket", None) for e in closed] == [ticket["id"]]
        assert closed[0].at >= datetime(2025, 10, 14, 17, 30, tzinfo=CHINA), closed[0].at
    finally:
        hub.stop()
