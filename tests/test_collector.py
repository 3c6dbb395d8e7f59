"""The server's collector settings (realtime/collector.py): what a process keeps
for life is frozen, and young collections wait for GC_YOUNG_THRESHOLD
allocations, so a busy server doesn't pause for full passes every few seconds."""

from __future__ import annotations

import gc

from realtime import collector


def test_freezing_sets_the_young_threshold_once(settings):
    before = gc.get_threshold()
    settings.GC_YOUNG_THRESHOLD = 12_345
    try:
        collector.freeze_long_lived(once_key="test-threshold")
        assert gc.get_threshold() == (12_345, before[1], before[2])
        assert gc.get_freeze_count() > 0
        settings.GC_YOUNG_THRESHOLD = 999
        collector.freeze_long_lived(once_key="test-threshold")  # once per key
        assert gc.get_threshold()[0] == 12_345
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
