"""`jiaohao caller`: the clerk's caller page in a compact window kept on top.

A clerk works in the center's business systems on the same screen; the caller
sits beside them, small and always on top, so calling the next citizen is one
key away whatever else is open. Each clerk logs in on the page with their own
account (the journal records who served what), so the agent holds no token and
owns no hardware: it checks the hub, then runs the window until it is closed.
"""

from __future__ import annotations

import argparse
import logging
import re

from client.agent import AgentError, check_hub_url, open_window, page_url, wait_for_hub

log = logging.getLogger(__name__)

TITLE = "窗口叫号 jiaohao"
# Fits beside other work on a 1366×768 screen, the common office laptop; the page
# lays itself out for this size and grows to two columns when made wider.
DEFAULT_SIZE = (460, 720)
SMALLEST = (360, 480)


def parse_size(text: str | None) -> tuple[int, int]:
    """'460x720' -> (460, 720); AgentError for anything else or a window too small."""
    if not text:
        return DEFAULT_SIZE
    match = re.fullmatch(r"\s*(\d{3,4})\s*[xX×]\s*(\d{3,4})\s*", text)
    if match is None:
        raise AgentError(f"--size takes WIDTHxHEIGHT in pixels, like 460x720, not {text!r}")
    width, height = int(match.group(1)), int(match.group(2))
    if width < SMALLEST[0] or height < SMALLEST[1]:
        raise AgentError(f"--size {text}: the caller needs at least {SMALLEST[0]}x{SMALLEST[1]}")
    return width, height


def main(args: argparse.Namespace) -> int:
    """Open the hub's /caller page in a compact, always-on-top window; 0 when closed."""
    hub = check_hub_url(args.hub)
    size = parse_size(getattr(args, "size", None))
    wait_for_hub(hub)
    url = page_url(hub, "/caller")
    log.info("caller: opening %s in a %dx%d window on top", url, *size)
    open_window(TITLE, url, fullscreen=False, on_top=True, size=size)
    log.info("caller: window closed")
    return 0
