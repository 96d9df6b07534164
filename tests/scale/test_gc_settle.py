"""The hub keeps the garbage collector's walks short (issue 13: full collections
of 0.3-4 s with a thousand clients connected closed sockets for ping timeouts)."""

from __future__ import annotations

import gc

from hub.web.server import GC_YOUNG, settle_memory


def test_settling_freezes_what_was_built_and_collects_the_young_less_often() -> None:
    before = gc.get_threshold()
    built = [[index] for index in range(1000)]  # objects the collector tracks
    try:
        settle_memory()
        assert gc.get_freeze_count() >= len(built)
        assert gc.get_threshold() == (GC_YOUNG, 20, 20)
        assert GC_YOUNG > before[0]
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
