"""The pages' resync client (assets/js/lib/resync.js) decides as the display agent's.

The same scripts of hub answers go through display/listener.py's ``Resync`` and,
in headless Chromium, through the pages' ``Resync`` module: what each hands on
(event seqs and types, live or replayed), the snapshot, the `since` it asks with,
whether a heartbeat says it is behind, and a refused answer must be the same.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from display.listener import Resync

pytestmark = pytest.mark.slow  # runs the pages' module in headless Chromium

ASSETS = Path(__file__).resolve().parents[2] / "assets"
ORIGIN = "http://pages.test"


def ev(seq: int, kind: str = "ticket_issued", **data: Any) -> dict[str, Any]:
    return {"seq": seq, "type": kind, "at": "2026-11-27T09:00:00+08:00", "data": data}


def call(seq: int, number: str, window: int = 3) -> dict[str, Any]:
    return {"seq": seq, "type": "ticket_called", "at": "2026-11-27T09:00:00+08:00",
            "number": number, "service": "social", "window": window,
            "window_name": f"{window}号窗口", "recall_count": 0}


# Each step: ("subscribe",), ("push", event), ("ack", answer), ("lost",), ("beat", heartbeat)
SCRIPTS: dict[str, list[tuple[Any, ...]]] = {
    "first snapshot, then pushes once each": [
        ("subscribe",), ("ack", {"seq": 5, "snapshot": {"recent_calls": [call(4, "A001")]}}),
        ("push", ev(6)), ("push", ev(6)), ("push", ev(5)), ("push", ev(7)),
    ],
    "pushes held while subscribing, replay overlapping": [
        ("subscribe",), ("ack", {"seq": 3, "snapshot": {}}), ("lost",), ("subscribe",),
        ("push", ev(6)), ("push", ev(5)),
        ("ack", {"seq": 6, "events": [ev(5), ev(4), ev(6)]}), ("push", ev(7)),
    ],
    "a later snapshot hands on the calls missed": [
        ("subscribe",), ("ack", {"seq": 10, "snapshot": {"recent_calls": [call(9, "A001")]}}),
        ("push", ev(11, "ticket_called", number="A002", window=1)), ("lost",), ("subscribe",),
        ("ack", {"seq": 40, "snapshot": {"recent_calls": [
            call(30, "A004", 2), call(11, "A002", 1), call(25, "A003", 1), "junk", {"seq": "x"}]}}),
        ("push", ev(39)), ("push", ev(41)),
    ],
    "heartbeats: behind only past what it holds, not while subscribing": [
        ("beat", {"seq": 9, "heard": 9}), ("subscribe",), ("beat", {"seq": 9, "heard": 9}),
        ("ack", {"seq": 4, "events": []}), ("beat", {"seq": 9, "heard": 4}),
        ("beat", {"seq": 9, "heard": 5}), ("beat", {"seq": 9, "heard": True}), ("beat", "x"),
    ],
    "malformed pushes and a refused answer": [
        ("subscribe",), ("ack", {"seq": 2, "events": [ev(1), {"seq": True, "type": "x"}]}),
        ("push", {"seq": "3", "type": "x"}), ("push", {"type": "x"}), ("push", ev(3)),
        ("subscribe",), ("ack", {"error": "forbidden", "message": "no"}), ("push", ev(4)),
    ],
}


def run_python(script: list[tuple[Any, ...]]) -> list[Any]:
    resync = Resync(["hall"])
    out: list[Any] = []
    for step in script:
        if step[0] == "subscribe":
            out.append(["subscribe", resync.subscribing()])
        elif step[0] == "push":
            pushed = resync.pushed(step[1])
            out.append(["push", [[e["seq"], e["type"], live] for e, live in pushed]])
        elif step[0] == "ack":
            try:
                deliveries, snapshot = resync.acknowledged(step[1])
            except ValueError:
                out.append(["refused"])
                continue
            out.append(["ack", [[e["seq"], e["type"], live, e["data"]] for e, live in deliveries],
                        snapshot is not None])
        elif step[0] == "lost":
            resync.lost()
        elif step[0] == "beat":
            out.append(["beat", resync.behind(step[1])])
        out.append(["state", resync.seq, resync.floor, resync.waiting])
    return out


RUN_JS = """async (script) => {
  const {Resync} = await import("/assets/js/lib/resync.js");
  const resync = new Resync(["hall"]);
  const out = [];
  for (const step of script) {
    if (step[0] === "subscribe") out.push(["subscribe", resync.subscribing()]);
    else if (step[0] === "push") {
      out.push(["push", resync.pushed(step[1]).map((d) => [d.event.seq, d.event.type, d.live])]);
    } else if (step[0] === "ack") {
      let answer;
      try { answer = resync.acknowledged(step[1]); } catch (error) {
        out.push(["refused"]);
        continue;
      }
      const handed = answer.deliveries.map(
        (d) => [d.event.seq, d.event.type, d.live, d.event.data]);
      out.push(["ack", handed, answer.snapshot !== null]);
    } else if (step[0] === "lost") resync.lost();
    else if (step[0] === "beat") out.push(["beat", resync.behind(step[1])]);
    out.push(["state", resync.seq, resync.floor, resync.waiting]);
  }
  return out;
}"""


@pytest.fixture(scope="module")
def page(browser: Any) -> Any:
    context = browser.new_context()
    page = context.new_page()

    def serve(route: Any) -> None:
        path = route.request.url[len(ORIGIN):].split("?")[0]
        if path.startswith("/assets/"):
            route.fulfill(status=200, content_type="text/javascript",
                          body=(ASSETS / path[len("/assets/"):]).read_text(encoding="utf-8"))
        else:
            route.fulfill(status=200, content_type="text/html",
                          body="<!doctype html><html><body></body></html>")

    page.route(f"{ORIGIN}/**", serve)
    page.goto(f"{ORIGIN}/")
    yield page
    context.close()


@pytest.mark.parametrize("name", list(SCRIPTS))
def test_the_pages_resync_hands_on_what_the_agents_does(page: Any, name: str) -> None:
    script = [list(step) for step in SCRIPTS[name]]
    python = run_python(SCRIPTS[name])
    js = page.evaluate(RUN_JS, script)
    assert js == python
    if name == "a later snapshot hands on the calls missed":
        # The calls after seq 11 (the last applied), in order, replayed; A002 it had.
        acks = [entry for entry in python if entry[0] == "ack"]
        assert [(d[0], d[3]["number"], d[2]) for d in acks[-1][1]] == [
            (25, "A003", False), (30, "A004", False)]
