"""The shared WebSocket frames are the frames wsproto would have sent, and a client
reads them (a real hub, a raw WebSocket client without extensions)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from wsproto.frame_protocol import FrameProtocol

from hub.web.fanout import text_frame
from tools.bench_crowd import open_client


@pytest.mark.parametrize("size", [0, 10, 125, 126, 200, 65535, 65536, 70000])
def test_a_shared_frame_is_byte_for_byte_the_frame_wsproto_makes(size: int) -> None:
    text = ("号" * size)[: size // 3] + "x" * (size - size // 3)
    assert text_frame(text) == FrameProtocol(client=False, extensions=[]).send_data(text, True)


@pytest.mark.slow
def test_every_client_reads_the_shared_frames_of_an_event(demo_hub: Any) -> None:
    hub = demo_hub
    clients = [open_client(hub.url, hub.tokens["hall-1"], None) for _ in range(3)]
    try:
        kiosk = {"Authorization": f"Bearer {hub.tokens['kiosk-1']}"}
        issued = requests.post(f"{hub.url}/api/v1/tickets", json={"service": "household"},
                               headers=kiosk, timeout=10).json()
        for ws in clients:
            ws.settimeout(20)
            while True:
                text = str(ws.recv())
                if text == "2":
                    ws.send("3")
                elif text.startswith('42/live,["event"'):
                    event = json.loads(text[len("42/live,"):])[1]
                    if event["type"] == "ticket_issued":
                        assert event["data"]["number"] == issued["number"]
                        break
    finally:
        for ws in clients:
            ws.close()
