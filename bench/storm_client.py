"""The load generator of scenario (e), the reconnect storm: ``python -m bench.storm_client CONFIG``.

The same process as bench/loadgen.py (same commands, same frame accounting), with
sockets that behave like the web client's socket core (static/kindred/net/socket.js)
when the server goes away:

* every close but the final codes (``closeFinal`` in static/kindred/protocol.js) is
  followed by a reconnect, for as long as it takes, after the client's backoff
  (static/kindred/net/backoff.js: between half and all of min(30 s, 0.5 s × 2^attempt),
  the cap 4 s instead after a close with 1012 until a ``welcome``, and the attempt
  count starting again at 0 once a ``welcome`` arrives);
* an attempt that brings no ``welcome`` within 15 s is given up and retried;
* after the ``welcome``, a Kindred socket that has seen a message sends ``resume``
  from the last id it saw and follows ``more`` (chat-client.js); the naive baseline
  has no resume, so its sockets only rejoin;
* messages due while the socket is down wait in ``pending`` (the outbox) and are
  sent, with their nonces, once it is back.

One command more, ``recovery``: wait until every socket is back and caught up since a
given instant, and say when each got there.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from collections import Counter
from typing import Any

from bench.loadgen import NONCE_SPAN, Conn, LoadGen
from bench.loadgen import main as loadgen_main
from bench.stats import Hist

#: Close codes after which the web client stops (static/kindred/protocol.js).
CLOSE_FINAL = frozenset({4001, 4401, 4403, 4404})
monotonic_ns = time.monotonic_ns


#: socket.js: RESTART_MAX_BACKOFF_MS, the cap while the server restarts (1012).
RESTART_CAP = 4.0


def backoff_delay(attempt: int, *, base: float = 0.5, cap: float = 30.0) -> float:
    """Seconds before reconnect attempt *attempt* (0 first), as backoff.js computes it."""
    ceiling = min(cap, base * 2 ** max(0, attempt))
    return ceiling / 2 + random.random() * ceiling / 2


class StormLoadGen(LoadGen):
    OPEN_TIMEOUT = 15.0  # socket.js: openTimeoutMs
    QUEUE_OFFLINE = True

    def __init__(self, cfg: dict[str, Any]) -> None:
        super().__init__(cfg)
        # Per socket (by gid): when it last closed, when its welcome came back, when
        # it was caught up (its last ``resumed``, or the welcome when it sent no
        # resume), and the attempts that reconnect took.
        self.closed_at: dict[int, int] = {}
        self.back_at: dict[int, int] = {}
        self.caught_at: dict[int, int] = {}
        self.attempts: Counter[int] = Counter()
        self.resume_sent: set[int] = set()
        self.ids_seen: dict[int, set[tuple[int, str]]] = {}
        self.redelivered = 0
        self.failed_attempts: Counter[str] = Counter()

    def on_frame(self, conn: Conn, raw: str | bytes) -> None:
        if ("resumed" if isinstance(raw, str) else b"resumed") in raw:
            frame = json.loads(raw)
            if frame.get("type") == "resumed" and not frame.get("more"):
                self.caught_at[conn.gid] = monotonic_ns()
        super().on_frame(conn, raw)

    def on_message(self, conn: Conn, frame: dict[str, Any], now: int) -> None:
        # By id and nonce: the naive baseline numbers its messages again from 1
        # after a restart, so an id alone does not name a message there.
        message = (frame["id"], frame.get("nonce") or "")
        seen = self.ids_seen.setdefault(conn.gid, set())
        if message in seen:
            # The same message again: a resume page repeats what came live between
            # the welcome and the resume. The web client keeps each id once, so
            # this is counted apart from a duplicate (one nonce under two ids).
            self.redelivered += 1
            return
        seen.add(message)
        super().on_message(conn, frame, now)

    def _resume_frame(self, conn: Conn, after: int) -> str | None:
        # chat-client.js resumes only after a message it has seen.
        if self.kind != "kindred" or not after:
            self.resume_sent.discard(conn.gid)
            return None
        self.resume_sent.add(conn.gid)
        return super()._resume_frame(conn, after)

    async def _read(self, conn: Conn, ws: Any) -> None:
        try:
            await ws.wait_closed()
        except Exception as exc:  # a bug in the reader must not stop the storm
            print(f"storm loadgen {self.proc}: reader failed: {exc!r}", file=sys.stderr)
        if self.stopping:
            return
        code = ws.close_code
        self.closes[str(code)] += 1
        self.closed_at[conn.gid] = monotonic_ns()
        if conn.ws is ws:
            conn.ws = None
        if code in CLOSE_FINAL:
            return
        attempt = 0
        cap = RESTART_CAP if code == 1012 else 30.0
        while not self.stopping:
            await asyncio.sleep(backoff_delay(attempt, cap=cap))
            if self.stopping:
                return
            result = await self.open(conn, resume=True)
            attempt += 1
            if not result["ok"]:
                self.failed_attempts[result["reason"]] += 1
            else:
                now = monotonic_ns()
                self.reconnects += 1
                self.attempts[attempt] += 1
                self.back_at[conn.gid] = now
                if conn.gid not in self.resume_sent:
                    self.caught_at[conn.gid] = now
                return

    def _settled(self, conn: Conn, since_ns: int) -> bool:
        return conn.ws is not None and self.caught_at.get(conn.gid, 0) >= since_ns

    async def cmd_recovery(self, cmd: dict[str, Any]) -> dict[str, Any]:
        """Wait (up to ``timeout`` s) until every socket that was up is back and caught
        up after ``since_ns``; times are counted from ``healthz_ns`` (the new process's
        first answer to /healthz)."""
        since, healthz = cmd["since_ns"], cmd["healthz_ns"]
        conns = [c for c in self.conns if c.ever_connected]
        deadline = time.monotonic() + cmd.get("timeout", 180.0)
        while time.monotonic() < deadline and not all(self._settled(c, since) for c in conns):
            await asyncio.sleep(0.05)
        back, caught = Hist(), Hist()
        early = 0
        for conn in conns:
            if not self._settled(conn, since):
                continue
            early += self.back_at.get(conn.gid, since) < healthz
            back.add_ns(max(0, self.back_at.get(conn.gid, healthz) - healthz))
            caught.add_ns(max(0, self.caught_at[conn.gid] - healthz))
        return {
            "ok": True,
            "sockets": len(conns),
            "settled": back.n,
            "closed_after_kill": sum(1 for c in conns if self.closed_at.get(c.gid, 0) >= since),
            "back_before_healthz": early,
            "back": back.to_json(),
            "caught_up": caught.to_json(),
            "attempts": {str(k): v for k, v in sorted(self.attempts.items())},
            "closes": dict(self.closes),
            "failed_attempts": dict(self.failed_attempts),
        }

    async def cmd_verify(self, cmd: dict[str, Any]) -> dict[str, Any]:
        """As for every scenario, plus which messages each socket that missed some
        missed (the sender's sequence numbers) and when it came back, for the report."""
        reply = await super().cmd_verify(cmd)
        missing = {}
        for conn in self.conns:
            expected = set(cmd["acked"].get(conn.room, ()))
            gone = sorted(k % NONCE_SPAN for k in expected - conn.got)
            if gone and len(missing) < 20:
                missing[conn.gid] = {
                    "room": conn.room,
                    "seqs": gone[:50],
                    "last_id": conn.last_id,
                    "back_ns": self.back_at.get(conn.gid),
                    "closed_ns": self.closed_at.get(conn.gid),
                    "resumed": conn.gid in self.resume_sent,
                }
        return reply | {"missing": missing, "redelivered": self.redelivered}


def main() -> None:
    loadgen_main(StormLoadGen)


if __name__ == "__main__":
    main()
