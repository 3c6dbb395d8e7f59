"""Small measurement helpers shared by the orchestrator and the load generators.

* :class:`Hist`: a log-bucketed latency histogram (1 % resolution) that two
  processes can merge, so percentiles come from every sample, not a sample.
* ``/proc`` readers: a process's RSS and CPU time, and the machine's busy time,
  without psutil.
"""

from __future__ import annotations

import math
import os
import threading
import time
from typing import Any

_LOG = math.log
_EXP = math.exp
#: Buckets per natural-log unit: 100 gives about 1 % resolution.
_SCALE = 100
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


class Hist:
    """Latency samples in microseconds, bucketed on a log scale."""

    __slots__ = ("counts", "max_us", "n", "sum_us")

    def __init__(self) -> None:
        self.counts: dict[int, int] = {}
        self.n = 0
        self.max_us = 0.0
        self.sum_us = 0.0

    def add_ns(self, ns: int) -> None:
        us = ns / 1000.0
        bucket = int(_LOG(us) * _SCALE) if us > 1.0 else 0
        counts = self.counts
        counts[bucket] = counts.get(bucket, 0) + 1
        self.n += 1
        self.sum_us += us
        if us > self.max_us:
            self.max_us = us

    def merge(self, other: Hist) -> None:
        for bucket, count in other.counts.items():
            self.counts[bucket] = self.counts.get(bucket, 0) + count
        self.n += other.n
        self.sum_us += other.sum_us
        self.max_us = max(self.max_us, other.max_us)

    def to_json(self) -> dict[str, Any]:
        return {
            "counts": {str(k): v for k, v in self.counts.items()},
            "n": self.n,
            "max_us": self.max_us,
            "sum_us": self.sum_us,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Hist:
        hist = cls()
        hist.counts = {int(k): v for k, v in data["counts"].items()}
        hist.n = data["n"]
        hist.max_us = data["max_us"]
        hist.sum_us = data["sum_us"]
        return hist

    @classmethod
    def between(cls, before: dict[str, Any], after: dict[str, Any]) -> Hist:
        """The samples added between two snapshots (``to_json`` form) of one
        histogram; the maximum is the top of the highest bucket that grew."""
        hist = cls()
        old = {int(k): v for k, v in before["counts"].items()}
        for key, count in after["counts"].items():
            grew = count - old.get(int(key), 0)
            if grew > 0:
                hist.counts[int(key)] = grew
        hist.n = after["n"] - before["n"]
        hist.sum_us = after["sum_us"] - before["sum_us"]
        if hist.counts:
            top = max(hist.counts)
            hist.max_us = min(after["max_us"], _EXP((top + 1) / _SCALE) if top else 1.0)
        return hist

    def percentile_ms(self, q: float) -> float | None:
        """The q-th percentile (0–100) in milliseconds, or None without samples."""
        if not self.n:
            return None
        rank = max(1, math.ceil(self.n * q / 100.0))
        seen = 0
        for bucket in sorted(self.counts):
            seen += self.counts[bucket]
            if seen >= rank:
                upper = _EXP((bucket + 1) / _SCALE) if bucket else 1.0
                return min(upper, self.max_us) / 1000.0
        return self.max_us / 1000.0

    def summary(self) -> dict[str, float | int | None]:
        return {
            "n": self.n,
            "p50_ms": self.percentile_ms(50),
            "p95_ms": self.percentile_ms(95),
            "p99_ms": self.percentile_ms(99),
            "max_ms": self.max_us / 1000.0 if self.n else None,
            "mean_ms": self.sum_us / self.n / 1000.0 if self.n else None,
        }


# --- /proc ------------------------------------------------------------------------


def proc_cpu_seconds(pid: int, *, children: bool = False) -> float | None:
    """User + system CPU seconds used by *pid* so far (threads included); with
    *children*, also that of its exited, reaped children (PostgreSQL backends)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            text = fh.read()
    except OSError:
        return None
    # The command name may contain spaces; fields resume after the last ")".
    fields = text[text.rindex(")") + 2 :].split()
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / CLOCK_TICKS


def proc_rss_kib(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies summed over all CPUs, from /proc/stat."""
    with open("/proc/stat", encoding="ascii") as fh:
        parts = fh.readline().split()[1:]
    values = [int(v) for v in parts[:8]]
    idle = values[3] + values[4]  # idle + iowait
    total = sum(values)
    return total - idle, total


def pids_named(name: str) -> list[int]:
    """Pids whose command name is *name* (e.g. redis-server, postgres); read-only."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/comm", encoding="utf-8", errors="replace") as fh:
                if fh.read().strip() == name:
                    found.append(int(entry))
        except OSError:
            continue
    return found


class Sampler:
    """Samples, every *interval* seconds in a thread, the CPU seconds of named groups
    of pids, their RSS, and the machine's busy time; windows are read afterwards.
    A group is a list of pids or a command name (``postgres``, ``redis-server``)."""

    def __init__(self, groups: dict[str, list[int] | str], interval: float = 0.25) -> None:
        self.groups = groups
        self.interval = interval
        #: (monotonic ns, {group: cpu s}, {group: rss KiB}, busy jiffies, total jiffies)
        self.samples: list[tuple[int, dict[str, float], dict[str, int], float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> None:
        now = time.monotonic_ns()
        cpu: dict[str, float] = {}
        rss: dict[str, int] = {}
        for group, spec in self.groups.items():
            # A name is looked up again every time (PostgreSQL forks a backend per
            # connection); its reaped children's CPU counts too.
            pids = pids_named(spec) if isinstance(spec, str) else spec
            by_name = isinstance(spec, str)
            cpu[group] = sum(proc_cpu_seconds(p, children=by_name) or 0.0 for p in pids)
            rss[group] = sum(proc_rss_kib(p) or 0 for p in pids)
        busy, total = machine_busy()
        self.samples.append((now, cpu, rss, busy, total))

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def start(self) -> Sampler:
        self.sample()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sample()

    def window(self, t0_ns: int, t1_ns: int) -> dict[str, float]:
        """Average CPU % per group and machine busy % between two instants, and the
        peak RSS (KiB) per group, from the samples nearest those instants."""
        inside = [s for s in self.samples if t0_ns <= s[0] <= t1_ns]
        before = [s for s in self.samples if s[0] <= t0_ns]
        after = [s for s in self.samples if s[0] >= t1_ns]
        first = before[-1] if before else self.samples[0]
        last = after[0] if after else self.samples[-1]
        wall = max(1e-9, (last[0] - first[0]) / 1e9)
        out: dict[str, float] = {}
        for group in self.groups:
            out[f"{group}_cpu_pct"] = 100.0 * (last[1][group] - first[1][group]) / wall
            out[f"{group}_rss_peak_kib"] = max(s[2][group] for s in [first, *inside, last])
        dtotal = last[4] - first[4]
        out["machine_busy_pct"] = 100.0 * (last[3] - first[3]) / dtotal if dtotal else 0.0
        out["window_s"] = wall
        return out
