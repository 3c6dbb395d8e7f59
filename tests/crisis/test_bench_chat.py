"""The benchmark's everyday chat reads as everyday chat.

``bench.loadgen.BODIES`` is the traffic every send and fan-out figure in
docs/performance.md is measured with: ordinary recovery talk, a relapse told
without danger among it. Were the detector to flag one of them, the benchmark
would time a crisis hand-off for every sixteenth send and the figures would
say nothing about the everyday message path -- which is how the stage-2 false
alarm on "starting over, counting from one again" was found.
"""

from __future__ import annotations

import pytest

import crisis
from bench.loadgen import BODIES


@pytest.mark.parametrize("body", BODIES)
def test_no_benchmark_chat_line_is_a_crisis(body):
    verdict = crisis.detect(body)
    assert not verdict.flagged, (verdict.category, verdict.reason)
