"""Scenario (e)'s pieces that decide its verdict: the clients' backoff (the web
client's, static/kindred/net/backoff.js) and what counts as a pass."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from bench.storm import TARGET_S, storm_passed
from bench.storm_client import RESTART_CAP, backoff_delay

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("attempt", "ceiling"), [(0, 0.5), (1, 1.0), (3, 4.0), (5, 16.0), (6, 30.0), (12, 30.0)]
)
def test_the_backoff_is_the_web_clients(attempt, ceiling, monkeypatch):
    monkeypatch.setattr(random, "random", lambda: 0.0)
    assert backoff_delay(attempt) == pytest.approx(ceiling / 2)
    monkeypatch.setattr(random, "random", lambda: 0.999999)
    assert backoff_delay(attempt) == pytest.approx(ceiling, rel=1e-5)


def test_after_a_restart_the_cap_is_the_web_clients():
    """socket.js keeps retries close together after a 1012; the storm's clients must
    wait exactly as long, or (e) measures a client nobody runs."""
    source = (ROOT / "static" / "kindred" / "net" / "socket.js").read_text()
    found = re.search(r"const RESTART_MAX_BACKOFF_MS = (\d+);", source)
    assert found and int(found.group(1)) == RESTART_CAP * 1000


def _result(**changes) -> dict:
    result = {
        "recovery": {"all_back_s": TARGET_S - 1},
        "traffic": {"lost": 0, "dups": 0, "unacked": 0, "out_of_order": 40},
        "database": {"rows": 10, "distinct_nonces": 10, "acked_unique": 10, "out_of_send_order": 0},
    }
    for path, value in changes.items():
        part, key = path.split("__")
        result[part][key] = value
    return result


def test_frames_behind_a_higher_id_alone_still_pass():
    assert storm_passed(_result())


@pytest.mark.parametrize(
    "change",
    [
        {"recovery__all_back_s": TARGET_S + 0.1},
        {"recovery__all_back_s": None},  # some socket never came back
        {"traffic__lost": 1},
        {"traffic__dups": 1},
        {"traffic__unacked": 1},
        {"database__rows": 11},  # a nonce stored twice
        {"database__out_of_send_order": 1},
    ],
)
def test_each_failure_fails_the_storm(change):
    assert not storm_passed(_result(**change))
