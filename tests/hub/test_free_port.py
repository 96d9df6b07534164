"""The ports the tests' servers listen on are picked below the kernel's ephemeral range
(where outgoing connections take their local ports), and never one that is taken."""

from __future__ import annotations

import socket
from typing import Any

from tools import process


def test_a_port_is_below_the_ephemeral_range_and_free() -> None:
    low = process._ephemeral_low()
    ports = {process.free_port() for _ in range(50)}
    assert all(process.PORTS_FROM <= port < low for port in ports), sorted(ports)
    with socket.socket() as server:
        server.bind(("127.0.0.1", ports.pop()))  # nobody holds it


def test_a_taken_port_is_passed_over(monkeypatch: Any) -> None:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        taken = held.getsockname()[1]
        picks = [taken, taken]  # the first two picks hit the held port
        pick = process._PICK.randrange
        monkeypatch.setattr(process._PICK, "randrange",
                            lambda low, high: picks.pop(0) if picks else pick(low, high))
        monkeypatch.setattr(process, "_ephemeral_low", lambda: 65_000)
        port = process.free_port()
        assert picks == [] and port != taken
