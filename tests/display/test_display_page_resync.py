"""The pages' live client (Jiaohao.live) notices it is behind while still connected.

A hall page in headless Chromium against a real hub that sends a heartbeat each
second. The test makes the page's socket drop the events pushed to it (as a hub
process cut off from its message queue would fail to send them) and checks the
page still shows the call: the heartbeat says the room heard a seq the page does
not hold, so it subscribes again with its `since` and the answer brings the call.
A `resync` message from the hub makes it subscribe again too, and so does
hearing nothing for three heartbeats (a stalled hub process). A call made while
the page was away and answered with a snapshot is still shown and said, as the
display agent's Python client (display/listener.py `Resync`) hands it on.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.display.conftest import LIVE, Desk
from tests.support.browser import screenshot
from tools.process import HubProcess

pytestmark = pytest.mark.slow

# Runs before the page's scripts: wraps socket.io's `io` so the test can drop the
# events pushed to the page, count its subscriptions and the heartbeats it heard, and
# hand it a message.
SPY = """
(() => {
  window.__drop = false;
  window.__deaf = false;
  window.__dropped = 0;
  window.__subscribes = 0;
  window.__heartbeats = 0;
  window.__sockets = [];
  window.__snapshotNext = false;
  let real;
  Object.defineProperty(window, "io", {
    configurable: true,
    get() { return real && wrapped; },
    set(value) { real = value; },
  });
  function wrapped(...args) {
    const socket = real(...args);
    const onevent = socket.onevent.bind(socket);
    socket.__deliver = onevent;
    socket.onevent = (packet) => {
      if (window.__deaf) return;
      if (packet.data && packet.data[0] === "heartbeat") window.__heartbeats += 1;
      if (window.__drop && packet.data && packet.data[0] === "event") {
        window.__dropped += 1;
        return;
      }
      onevent(packet);
    };
    const emit = socket.emit.bind(socket);
    socket.emit = (name, ...rest) => {
      if (name === "subscribe") {
        window.__subscribes += 1;
        // As after a drop longer than the hub's memory: it answers with a snapshot.
        if (window.__snapshotNext) {
          window.__snapshotNext = false;
          rest[0] = Object.assign({}, rest[0], {since: null});
        }
      }
      return emit(name, ...rest);
    };
    window.__sockets.push(socket);
    return socket;
  }
})();
"""


@pytest.fixture(scope="module")
def beating_hub(tmp_path_factory: Any) -> Iterator[HubProcess]:
    hub = HubProcess("gevent", folder=str(tmp_path_factory.mktemp("hub")),
                     env={"JIAOHAO_HEARTBEAT_SECONDS": "1"})
    hub.prepare_demo()
    hub.start()
    yield hub
    hub.stop()
    assert "Traceback" not in hub.log(), hub.log()


def open_hall(browser: Any, hub: HubProcess) -> Any:
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    context.add_init_script(SPY)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors
    page.goto(f"{hub.url}/display/hall#token={hub.tokens['hall-1']}")
    expect(page.locator("body")).to_have_attribute("data-status", "live", timeout=LIVE)
    return page


def shown(page: Any, number: str) -> Any:
    return page.locator(f'#newest-number[data-number="{number}"], '
                        f'#recent .call-row[data-number="{number}"]')


def test_a_page_that_missed_a_call_while_connected_resyncs_on_the_heartbeat(
    browser: Any, beating_hub: HubProcess,
) -> None:
    page = open_hall(browser, beating_hub)
    assert page.evaluate("window.__sockets.length") == 1
    subscribes = page.evaluate("window.__subscribes")
    clerk = Desk(beating_hub, 4)
    clerk.act("sign-in")
    page.evaluate("window.__drop = true")
    clerk.issue()
    number = clerk.call_next()
    page.wait_for_function("window.__dropped >= 2", timeout=10_000)  # issued, called
    page.evaluate("window.__drop = false")
    # Nothing else is pushed: only the heartbeat can tell the page what it missed.
    expect(shown(page, number).first).to_be_visible(timeout=5_000)
    after = page.evaluate("window.__subscribes")
    assert after > subscribes  # (once per heartbeat that found it behind)
    screenshot(page, "display_hall_resynced")
    expect(page.locator("body")).to_have_attribute("data-status", "live")
    # In step again: the following heartbeats (two of them) cause no more subscriptions.
    beats = page.evaluate("window.__heartbeats")
    page.wait_for_function(f"window.__heartbeats >= {beats + 2}", timeout=10_000)
    assert page.evaluate("window.__subscribes") == after
    assert page.js_errors == []


def test_a_page_subscribes_again_when_the_hub_asks_it_to(
    browser: Any, beating_hub: HubProcess,
) -> None:
    page = open_hall(browser, beating_hub)
    subscribes = page.evaluate("window.__subscribes")
    page.evaluate("""window.__sockets[0].__deliver(
        {type: 2, nsp: "/live", data: ["resync", {seq: 1}]})""")
    page.wait_for_function(f"window.__subscribes === {subscribes + 1}", timeout=2_000)
    expect(page.locator("body")).to_have_attribute("data-status", "live")
    assert page.js_errors == []


def test_a_page_that_hears_nothing_for_three_heartbeats_subscribes_again(
    browser: Any, beating_hub: HubProcess,
) -> None:
    page = open_hall(browser, beating_hub)
    page.wait_for_function("window.__heartbeats >= 1", timeout=10_000)  # told the interval
    subscribes = page.evaluate("window.__subscribes")
    clerk = Desk(beating_hub, 5)
    clerk.act("sign-in")
    page.evaluate("window.__deaf = true")  # as if its hub process had stopped
    clerk.issue()
    number = clerk.call_next()
    page.wait_for_function(f"window.__subscribes > {subscribes}", timeout=10_000)
    page.evaluate("window.__deaf = false")
    # The answer to that subscription (not dropped: acks are not events) brings the call.
    expect(shown(page, number).first).to_be_visible(timeout=5_000)
    assert page.js_errors == []


SAID = "() => window.JiaohaoScreen.sound.log.map((e) => e.number)"


def test_a_call_missed_during_a_drop_and_answered_by_a_snapshot_is_shown_and_said(
    browser: Any, beating_hub: HubProcess,
) -> None:
    page = open_hall(browser, beating_hub)
    page.click("#sound-enable")
    clerk = Desk(beating_hub, 6)
    clerk.act("sign-in")
    clerk.issue()
    first = clerk.call_next()
    expect(shown(page, first).first).to_be_visible(timeout=5_000)
    page.wait_for_function(f"({SAID})().includes({first!r})", timeout=5_000)
    # The page drops off; a call is made while it is away.
    page.evaluate("window.__deaf = true; window.__sockets[0].disconnect()")
    clerk.issue()
    missed = clerk.call_next()
    # It comes back and the hub answers its subscription with a snapshot.
    page.evaluate("window.__snapshotNext = true; window.__deaf = false;"
                  " window.__sockets[0].connect()")
    expect(page.locator("body")).to_have_attribute("data-status", "live", timeout=LIVE)
    expect(shown(page, missed).first).to_be_visible(timeout=5_000)
    # Said, as the display agent says it; once, and the call it had heard not again.
    # (after the clip of the call before it, which plays for a few seconds)
    page.wait_for_function(f"({SAID})().includes({missed!r})", timeout=20_000)
    page.wait_for_timeout(500)  # and not said again (nothing must happen here: a time)
    said = page.evaluate(SAID)
    assert said.count(missed) == 1 and said.count(first) == 1, said
    assert page.evaluate("window.__snapshotNext") is False  # the answer was a snapshot
    screenshot(page, "display_hall_missed_call_said")
    assert page.js_errors == []
