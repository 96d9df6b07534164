"""A burst of subscriptions to a busy center keeps every socket (issue 13).

`jiaohao bench` at 3,000 clients saw the hub close most of its sockets: each
subscribe built the center's snapshot (a pass over every waiting ticket for each
window) under the center's lock, on the one event loop, so a burst of them held
back the clients' pongs past Engine.IO's ping timeout. Here: a center with
thousands of waiting tickets, calls flowing, and a few hundred raw clients
(tools/bench_crowd.py, in two processes) subscribing at once; every socket must
stay open and every call made after they subscribed reach every client.
"""

from __future__ import annotations

import threading
import time
import tomllib
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests

from hub.center import Center
from hub.clock import new_id
from hub.domain import commands as cmd
from hub.store.memory import MemoryStore
from hub.store.sqlite import SQLiteStore
from tools.bench import CROWD_ENV, bench_config, finish_crowd, start_crowd
from tools.process import HubProcess

WAITING = 8000  # tickets waiting in the center when the crowd subscribes
CLIENTS = 200


def busy_journal(folder: Path, config: str, waiting: int) -> None:
    """A journal in which `waiting` tickets of the bench's 26 services wait (issued at
    the demo clock's 09:00, the day the hub will start on)."""
    at = datetime(2026, 11, 26, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    memory = MemoryStore()
    center = Center("demo", memory, lambda: at, new_id)
    center.configure(tomllib.loads(Path(config).read_text(encoding="utf-8")), "test", "file")
    letters = "abcdefghijklmnopqrstuvwxyz"
    for index in range(waiting):
        center.execute(cmd.IssueTicket(f"bench-{letters[index % 26]}"), "kiosk")
    store = SQLiteStore(folder / "journal.db")
    store.append("demo", list(memory.load("demo", 0)), 0)
    store.close()


@pytest.mark.slow
def test_a_burst_of_subscriptions_to_a_busy_center_loses_no_socket(tmp_path: Path) -> None:
    config = bench_config(tmp_path)
    busy_journal(tmp_path, config, WAITING)
    with HubProcess("gevent", folder=str(tmp_path), config=config, env=CROWD_ENV) as hub:
        hub.add_user("clerk", "clerk")
        hub.add_device("hall", "display")
        hub.start()
        clerk = requests.Session()
        clerk.headers["Authorization"] = f"Bearer {hub.login('clerk')}"
        window = f"{hub.url}/api/v1/windows/4"
        clerk.post(f"{window}/sign-in", timeout=30).raise_for_status()
        sent: dict[int, float] = {}
        subscribed = threading.Event()
        stop = threading.Event()

        def calls() -> None:  # a clerk calling and completing all along
            while not stop.is_set():
                before = time.time()
                answer = clerk.post(f"{window}/call-next", timeout=120)
                answer.raise_for_status()
                if subscribed.is_set():
                    sent[answer.json()["seq"]] = before
                clerk.post(f"{window}/complete", timeout=120).raise_for_status()
                stop.wait(0.3)

        caller = threading.Thread(target=calls)
        caller.start()
        try:
            began = time.monotonic()
            crowd = start_crowd(hub.url, hub.tokens["hall"], CLIENTS)
            subscribed.set()
            took = time.monotonic() - began
            time.sleep(4)
        finally:
            stop.set()
            caller.join()
        time.sleep(2)
        found = finish_crowd(crowd, sent, CLIENTS, len(sent))
    assert found["sockets_closed"] == 0, (found, f"subscribed in {took:.1f} s")
    assert found["subscriptions_refused"] == 0, found
    assert len(sent) >= 3, found
    assert found["delivered"] == 1.0, found
