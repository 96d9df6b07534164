"""`measure_call_to_speech`: the figure `jiaohao bench` prints for call -> voice."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from display.latency import measure_call_to_speech
from tests.display.conftest import Desk
from tools.process import HubProcess

pytestmark = pytest.mark.slow


def test_call_to_speech_is_measured_for_every_call(
    demo_hub: HubProcess, desk: Callable[[int], Desk]
) -> None:
    clerk = desk(4)
    result = measure_call_to_speech(demo_hub.url, demo_hub.tokens["hall-1"], clerk.token, 5,
                                    kiosk_token=demo_hub.tokens["kiosk-1"], window=4)
    print("call -> synthesis start:", result)
    assert result["calls"] == result["spoken"] == 5
    assert 0 < result["p50_ms"] <= result["p99_ms"] <= result["max_ms"]
    assert result["engine"] == "Pyttsx3Engine"
    # The window is left free, as it was found.
    assert clerk.act("sign-in")["window"]["ticket"] is None


def test_nobody_waiting_and_no_window_staffed_are_told(
    demo_hub: HubProcess, desk: Callable[[int], Desk]
) -> None:
    clerk = desk(6)
    with pytest.raises(ValueError, match="sign the clerk in"):
        measure_call_to_speech(demo_hub.url, demo_hub.tokens["hall-1"], clerk.token, 1,
                               window=5)
    with pytest.raises(RuntimeError, match="nobody is waiting at window 6"):
        measure_call_to_speech(demo_hub.url, demo_hub.tokens["hall-1"], clerk.token, 1,
                               window=6)
