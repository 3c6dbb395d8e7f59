"""bench/capacity.py's arithmetic, on a small results dict made by hand.

The numbers are chosen so each figure can be worked out on paper: the fan-out
costs 4 ms of a core per message to 200 sockets (2e-5 per delivery), an idle
socket 1e-5 of a core, and the storm brings back 300 sockets a second.
"""

from __future__ import annotations

import json

import pytest

from bench import capacity


def _step(rate: float, server: float, redis: float, postgres: float) -> dict:
    return {
        "rate": rate,
        "unacked": 0,
        "lost": 0,
        "deliveries_per_s": rate * 200,
        "offered_deliveries_per_s": rate * 200,
        "server_cpu_pct": server,
        "redis_cpu_pct": redis,
        "postgres_cpu_pct": postgres,
    }


def _results(quick: bool = False) -> dict:
    a_steps = [_step(100, 40, 5, 10), _step(200, 80, 10, 20)]
    a_steps.append({**_step(300, 200, 50, 50), "unacked": 12})  # saturated: not used
    d_steps = [_step(100, 40, 8, 10), _step(200, 80, 16, 20)]
    return {
        "started": "2026-12-07T00:00:00+00:00",
        "quick": quick,
        "scenarios": {
            "a": {"params": {"members": 200}, "kindred": {"steps": a_steps}},
            "c": {
                "kindred": {
                    "idle": {"server_cpu_pct": 5.0},
                    "up_after_idle": 5000,
                    "rss_per_socket_kib": 20.0,
                    "rss_before_sockets_kib": 102400,
                    "setup": {"ramp": [{"per_second": p} for p in (100, 300, 200)]},
                }
            },
            "d": {"kindred": {"steps": d_steps}},
            "e": {
                "kindred": {
                    "recovery": {"sockets": 3000, "all_back_s": 10.0},
                    "database": {"writes_per_message": 2.0, "backends_peak": 10},
                    "redis": {"bytes_per_socket": 1000.0},
                }
            },
        },
    }


@pytest.fixture
def costs(tmp_path):
    path = tmp_path / "results-acde.json"
    path.write_text(json.dumps(_results()))
    return capacity.measured(capacity.load([path]))


def test_measured_costs_come_from_the_steps_the_server_kept_up_with(costs):
    assert costs["cpu_per_message"] == pytest.approx(0.004)
    assert costs["cpu_per_delivery"] == pytest.approx(2e-5)
    assert costs["redis_per_message"] == pytest.approx(0.0005)
    # (d) has two subscribing processes: 0.0008 per message, so 0.0003 per subscriber.
    assert costs["redis_per_subscriber"] == pytest.approx(0.0003)
    assert costs["idle_cpu_per_socket"] == pytest.approx(1e-5)
    assert costs["connects_per_s"] == 200
    assert costs["storm"] == {"sockets": 3000, "seconds": 10.0}


def test_a_community_of_ten_thousand(costs):
    row = capacity.project(costs, 10_000)
    assert row["sockets"] == pytest.approx(12_000)
    assert row["msgs_per_s"] == pytest.approx(10_000 * 6 / 3600)
    assert row["deliveries_per_s"] == pytest.approx(4000)
    # CPU: 4000 × 2e-5 + 12,000 × 1e-5 = 0.2 of a core, within 0.6: one process.
    # Storm: 12,000 sockets at 300/s within 15 s: 4,500 a process, so three.
    assert row["limits"] == {"CPU": 1, "memory": 1, "restart storm": 3}
    assert (row["processes"], row["binding"]) == (3, "restart storm")
    assert row["redis_cpu"] == pytest.approx(row["msgs_per_s"] * (0.0005 + 2 * 0.0003))
    assert row["pg_connections"] == 30
    assert row["pg_writes_per_s"] == pytest.approx(2 * row["msgs_per_s"])
    assert row["redis_mib"] == pytest.approx(12_000 * 1000 / 2**20)


def test_postgresql_connections_give_out_first(costs):
    # Ten connections a process: the 97 allowed run out at ten processes, which the
    # storm limit needs past 40,500 sockets, i.e. 33,750 members.
    (name, size), *_ = capacity.first_to_give(costs)
    assert name == "PostgreSQL connections"
    assert 33_750 <= size <= 33_750 * 1.01 + 1


def test_a_full_run_wins_over_a_quick_one(tmp_path):
    quick = _results(quick=True)
    quick["started"] = "2026-12-08T00:00:00+00:00"  # newer, but quick
    quick["scenarios"]["c"]["kindred"]["rss_per_socket_kib"] = 99.0
    (tmp_path / "results-c-quick.json").write_text(json.dumps(quick))
    (tmp_path / "results-acde.json").write_text(json.dumps(_results()))
    chosen = capacity.load(sorted(tmp_path.glob("*.json")))
    assert chosen["c"]["data"]["kindred"]["rss_per_socket_kib"] == 20.0
    assert not chosen["c"]["quick"]


def test_the_section_replaces_only_its_own(tmp_path, costs):
    doc = tmp_path / "scaling.md"
    doc.write_text("# Scaling\n\n## Capacity\n\nold\n\n## The bus: room-sharded channels\n\nkept\n")
    capacity.write_section(doc, capacity.section(costs))
    text = doc.read_text()
    assert "old" not in text
    assert "## The bus: room-sharded channels\n\nkept\n" in text
    assert "| **Kindred processes** (cores) | **3** (restart storm) |" in text
    assert "`MSGS_PER_MEMBER_PER_HOUR = 6.0`" in text
    assert "`PG_MAX_CONNECTIONS = 97`: PostgreSQL's default max_connections" in text
    assert "SHARED" not in text  # a table of the model's, not an assumption
