"""One load-generator process, driven by bench/run.py over stdin/stdout (JSON lines).

Started as ``python -m bench.loadgen CONFIG.json`` from the repository root. The
config names the servers, the target (``kindred`` or ``naive``) and this
process's connections (room, server, whether it sends). Commands, one JSON
object per line on stdin, each answered by one JSON line on stdout:

``members`` Kindred: create one member per connection through the HTTP API
            (``GET /api/session/`` for the CSRF cookie, then ``POST`` with
            ``X-CSRFToken``).
``connect`` Open the sockets (all, or up to a fraction, for ramps), each timed
            until its ``welcome`` arrives.
``run``     Send on a fixed schedule that never waits for replies, starting at
            ``start_ns`` (``time.monotonic_ns``, one clock for every process on
            the machine). Each ``message`` carries a nonce
            ``b<proc>.<step>.<seq>.<send time ns>``; the server echoes it in
            every ``message`` frame, so any receiver computes the end-to-end
            latency, and the sender computes send→ack from its ``ack``.
``verify``  Given every acked nonce of the step per room (from all load
            generators), count per socket the messages it never received.
``status``  Counters (closes, pongs, sockets up) without sending anything.
``quit``    Close every socket and exit.

A socket closed with a resumable code (4408 slow reader, 4000 idle, 1011, 1012,
or dropped) reconnects, sends ``resume`` from the last id it saw and resends its
unacked messages with the same nonces, as docs/protocol.md asks of clients.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import math
import random
import resource
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException
from websockets.frames import Frame, Opcode

from bench.stats import Hist

monotonic_ns = time.monotonic_ns
loads = json.loads
dumps = json.dumps

#: Close codes after which a client reconnects and resumes (docs/protocol.md).
RESUMABLE = {4408, 4000, 1011, 1012, 1006, 1001}
PING = '{"type":"ping"}'
#: Key of a nonce in the verify sets: proc * NONCE_SPAN + seq.
NONCE_SPAN = 10_000_000

#: Everyday messages, written for this benchmark. One in eight has a link so
#: the sanitiser's linkifier does real work.
BODIES = (
    "Made it to my morning meeting again, that's five days in a row.",
    "Anyone else find evenings the hardest? I keep busy but the cravings come back around 9.",
    "Day 42 today. Not sure how I feel about it but I'm still here.",
    "My sponsor said to write down three things I'm grateful for. Coffee counts, right?",
    "Thanks for the kind words yesterday, it really helped me get through the night.",
    "Found this list of online meetings, maybe useful: https://example.org/meetings",
    "Went for a walk instead of going to the bar. Small win but I'll take it.",
    "Family dinner tonight. Nervous. Any tips for saying no politely?",
    "Couldn't sleep, so I'm here. The late-night room is a good place to be.",
    "I relapsed last week and I'm starting over. Counting from one again.",
    "Just wanted to say hello, I'm new and mostly reading for now.",
    "Six months! I never thought I'd type that.",
    "The step work is hard this week. Step four is a lot.",
    "Here's the breathing exercise I mentioned: https://example.org/box-breathing",
    "Going to bed now. Good night everyone, same time tomorrow.",
    "Does anyone have experience with telling their employer? Worried about it.",
)


class Conn:
    __slots__ = (
        "cookie",
        "ever_connected",
        "gid",
        "got",
        "handle",
        "last_id",
        "pending",
        "reader",
        "room",
        "sender",
        "server",
        "ws",
    )

    def __init__(self, spec: dict[str, Any]) -> None:
        self.gid: int = spec["gid"]
        self.room: str = spec["room"]
        self.server: int = spec["server"]
        self.sender: bool = spec["sender"]
        self.handle = f"naive{self.gid}"
        self.cookie = ""
        self.ws: ClientConnection | None = None
        self.reader: asyncio.Task[None] | None = None
        self.last_id = 0
        self.got: set[int] = set()
        self.pending: dict[str, int] = {}
        self.ever_connected = False


class DirectConnection(ClientConnection):
    """A websockets client connection that hands each complete text frame to
    ``on_text`` as soon as it is parsed, instead of queueing it for ``recv()``.

    The frames are parsed by websockets as usual; what this skips is the
    per-frame queue hand-off and reader-task wake-up, which took about a third
    of a load generator's CPU at 30,000 frames a second, CPU the server it
    measures shares. Other frames (fragments, binary, control) take the usual
    path."""

    on_text: Any = None

    def process_event(self, event: Any) -> None:
        handler = self.on_text
        if (
            handler is not None
            and self.response is not None
            and isinstance(event, Frame)
            and event.opcode is Opcode.TEXT
            and event.fin
        ):
            try:
                handler(event.data)
            except Exception as exc:  # a bug here must not break the connection
                print(f"loadgen: frame handler failed: {exc!r}", file=sys.stderr)
            return
        super().process_event(event)


class LoadGen:
    #: Seconds a socket may take to open, and then to bring its ``welcome``.
    OPEN_TIMEOUT = 60.0
    #: A message due while its socket is down: skipped (False), or kept in
    #: ``pending`` and sent after the reconnect, as the web client's outbox does.
    QUEUE_OFFLINE = False

    def __init__(self, cfg: dict[str, Any]) -> None:
        self.cfg = cfg
        self.kind: str = cfg["target"]
        self.proc: int = cfg["proc"]
        self.ports: list[int] = cfg["ports"]
        self.conns = [Conn(spec) for spec in cfg["conns"]]
        self.total_senders: int = cfg["total_senders"]
        self.stopping = False
        self.step = -1
        self.closes: Counter[str] = Counter()
        self.reconnects = 0
        self.reconnect_failures = 0
        self.pongs = 0
        self.frames: Counter[str] = Counter()
        self.before_welcome: Counter[str] = Counter()
        self._background: set[asyncio.Task[Any]] = set()
        self.last_any_ns = 0
        self.pings_paused = False
        self._ping_task: asyncio.Task[None] | None = None
        self._reset_step()

    # --- per-step counters ---------------------------------------------------------

    def _reset_step(self) -> None:
        self.lat = Hist()
        self.ack = Hist()
        self.lag = Hist()
        self.sent = 0
        self.skipped = 0
        self.send_failed = 0
        self.acked_n = 0
        self.errors: Counter[str] = Counter()
        self.delivered = 0
        self.dups = 0
        self.out_of_order = 0
        self.other_step = 0
        self.foreign = 0
        self.first_recv_ns = 0
        self.last_recv_ns = 0
        self.last_ack_ns = 0
        self.acked: dict[str, list[int]] = {}
        self.resumed = 0
        self.late_acks = 0
        for conn in self.conns:
            conn.got = set()

    # --- frames --------------------------------------------------------------------

    def on_frame(self, conn: Conn, raw: str | bytes) -> None:
        now = monotonic_ns()
        frame = loads(raw)
        kind = frame.get("type")
        if kind == "message":
            self.on_message(conn, frame, now)
        elif kind == "ack":
            nonce = frame.get("nonce")
            sent = conn.pending.pop(nonce, None) if nonce else None
            self.last_any_ns = now
            if sent is not None:
                parts = nonce.split(".")
                if len(parts) == 4 and int(parts[1]) == self.step:
                    # Only this step's acks count (a late one from a saturated
                    # step before is not this step's latency).
                    self.ack.add_ns(now - sent)
                    self.acked_n += 1
                    self.last_ack_ns = now
                    key = int(parts[0][1:]) * NONCE_SPAN + int(parts[2])
                    self.acked.setdefault(conn.room, []).append(key)
                else:
                    self.late_acks += 1
        elif kind == "pong":
            self.pongs += 1
        elif kind == "error":
            self.errors[str(frame.get("code"))] += 1
            nonce = frame.get("nonce")
            if nonce:
                conn.pending.pop(nonce, None)
        elif kind == "resumed":
            self.resumed += 1
            if frame.get("more") and conn.ws is not None:
                after = max(conn.last_id, int(frame.get("last_id") or 0))
                task = asyncio.create_task(
                    self._send_raw(conn, dumps({"type": "resume", "after": after}))
                )
                self._background.add(task)
                task.add_done_callback(self._background.discard)
        else:
            self.frames[str(kind)] += 1

    def on_message(self, conn: Conn, frame: dict[str, Any], now: int) -> None:
        self.last_any_ns = now
        message_id = frame["id"]
        nonce = frame.get("nonce") or ""
        parts = nonce.split(".")
        if len(parts) != 4 or not nonce.startswith("b"):
            self.foreign += 1
            conn.last_id = max(conn.last_id, message_id)
            return
        if int(parts[1]) != self.step:
            self.other_step += 1
            conn.last_id = max(conn.last_id, message_id)
            return
        key = int(parts[0][1:]) * NONCE_SPAN + int(parts[2])
        got = conn.got
        if key in got:
            self.dups += 1
            return
        got.add(key)
        if message_id < conn.last_id:
            self.out_of_order += 1
        else:
            conn.last_id = message_id
        self.delivered += 1
        self.lat.add_ns(now - int(parts[3]))
        if not self.first_recv_ns:
            self.first_recv_ns = now
        self.last_recv_ns = now

    # --- sockets -------------------------------------------------------------------

    def _url(self, conn: Conn) -> tuple[str, dict[str, str], str]:
        port = self.ports[conn.server]
        origin = f"http://127.0.0.1:{port}"
        if self.kind == "kindred":
            return f"ws://127.0.0.1:{port}/ws/rooms/{conn.room}/", {"Cookie": conn.cookie}, origin
        return f"ws://127.0.0.1:{port}/ws/naive/{conn.room}/?handle={conn.handle}", {}, origin

    async def open(self, conn: Conn, *, resume: bool = False) -> dict[str, Any]:
        """Open *conn*'s socket and wait for ``welcome``; returns timings or the failure.

        Every text frame goes to ``on_frame`` straight from the parser
        (:class:`DirectConnection`), the welcome included, so nothing that
        arrives right behind it can slip past."""
        url, headers, origin = self._url(conn)
        welcomed: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        on_frame = self.on_frame

        def on_text(data: bytes) -> None:
            if welcomed.done():
                on_frame(conn, data)
                return
            frame = loads(data)
            if frame.get("type") == "welcome":
                # Where to resume from is fixed now, as the web client fixes it
                # on its welcome: live frames right behind this one, handled
                # before open() resumes, move last_id past the gap.
                frame["resume_after"] = conn.last_id
                welcomed.set_result(frame)
            else:
                # Kindred can write a presence frame before the welcome (see
                # docs/performance.md); counted, otherwise ignored.
                self.before_welcome[str(frame.get("type"))] += 1

        def make(*args: Any, **kwargs: Any) -> DirectConnection:
            made = DirectConnection(*args, **kwargs)
            made.on_text = on_text
            return made

        t0 = monotonic_ns()
        try:
            ws = await connect(
                url,
                origin=origin,
                additional_headers=headers,
                compression=None,
                open_timeout=self.OPEN_TIMEOUT,
                ping_interval=None,
                close_timeout=5,
                max_queue=256,
                max_size=2**24,
                create_connection=make,
            )
        except (OSError, TimeoutError, WebSocketException) as exc:
            reason = f"http {exc.response.status_code}" if isinstance(exc, InvalidStatus) else ""
            return {"ok": False, "reason": reason or type(exc).__name__}
        t1 = monotonic_ns()
        try:
            async with asyncio.timeout(self.OPEN_TIMEOUT):
                closed = asyncio.ensure_future(ws.wait_closed())
                await asyncio.wait((welcomed, closed), return_when=asyncio.FIRST_COMPLETED)
                closed.cancel()
                if not welcomed.done():
                    raise ConnectionClosed(None, None)
                welcome = welcomed.result()
        except (ConnectionClosed, TimeoutError) as exc:
            code = ws.close_code
            with contextlib.suppress(Exception):
                await ws.close()
            return {"ok": False, "reason": f"closed {code}" if code else type(exc).__name__}
        t2 = monotonic_ns()
        history = welcome.get("history") or []
        if not resume and history:
            conn.last_id = max(conn.last_id, max(m["id"] for m in history))
        conn.ws = ws
        conn.ever_connected = True
        if resume:
            frame = self._resume_frame(conn, welcome["resume_after"])
            if frame is not None:
                await self._send_raw(conn, frame)
            # Unacked messages are resent with the same nonce: the server stores
            # each (member, room, nonce) once, so a retry is safe.
            for nonce in list(conn.pending):
                body = BODIES[int(nonce.split(".")[2]) % len(BODIES)]
                await self._send_raw(conn, dumps({"type": "message", "body": body, "nonce": nonce}))
        conn.reader = asyncio.create_task(self._read(conn, ws))
        return {"ok": True, "handshake_ns": t1 - t0, "welcome_ns": t2 - t0}

    def _resume_frame(self, conn: Conn, after: int) -> str | None:
        return dumps({"type": "resume", "after": after})

    async def _send_raw(self, conn: Conn, text: str) -> bool:
        ws = conn.ws
        if ws is None:
            return False
        try:
            await ws.send(text)
        except ConnectionClosed:
            return False
        return True

    async def _read(self, conn: Conn, ws: ClientConnection) -> None:
        """Frames arrive through ``on_frame`` (see :meth:`open`); this waits for
        the socket to close and reconnects it as a client would."""
        try:
            await ws.wait_closed()
        except Exception as exc:
            print(f"loadgen {self.proc}: reader failed: {exc!r}", file=sys.stderr)
        if self.stopping:
            return
        code = ws.close_code
        self.closes[str(code)] += 1
        if conn.ws is ws:
            conn.ws = None
        if self.kind == "kindred" and (code is None or code in RESUMABLE):
            for attempt in range(10):
                await asyncio.sleep(min(5.0, 0.2 * 2**attempt) * random.uniform(0.5, 1.0))
                if self.stopping:
                    return
                result = await self.open(conn, resume=True)
                if result["ok"]:
                    self.reconnects += 1
                    return
            self.reconnect_failures += 1

    async def _pinger(self, every: float) -> None:
        """Each socket sends an application ``ping`` about every *every* seconds, as
        clients do (the server closes a socket that is silent for 60 s)."""
        tick = 0.1
        index = 0
        while not self.stopping:
            if self.pings_paused:
                await asyncio.sleep(tick)
                continue
            conns = self.conns
            batch = max(1, math.ceil(len(conns) * tick / every))
            for _ in range(batch):
                conn = conns[index % len(conns)]
                index += 1
                if conn.ws is not None:
                    await self._send_raw(conn, PING)
            await asyncio.sleep(tick)

    # --- commands --------------------------------------------------------------------

    async def cmd_members(self, cmd: dict[str, Any]) -> dict[str, Any]:
        if self.kind != "kindred":
            return {"ok": True, "members": None}
        return {"ok": True, "members": await self._create_members(cmd.get("concurrency", 16))}

    async def cmd_connect(self, cmd: dict[str, Any]) -> dict[str, Any]:
        """Open the sockets up to fraction ``upto`` of this process's connections."""
        if self._ping_task is None:
            self._ping_task = asyncio.create_task(self._pinger(cmd.get("ping_every", 20.0)))
        upto = round(len(self.conns) * cmd.get("upto", 1.0))
        todo = [c for c in self.conns[:upto] if c.ws is None and not c.ever_connected]
        result = await self._connect_all(todo, cmd.get("concurrency", 32))
        # What exists now lives for the whole run: keep the collector from
        # scanning it again and again, so its pauses don't show up as latency.
        gc.collect()
        gc.freeze()
        return {"ok": True, "connect": result}

    async def _create_members(self, concurrency: int) -> dict[str, Any]:
        queue: asyncio.Queue[Conn] = asyncio.Queue()
        for conn in self.conns:
            queue.put_nowait(conn)
        failures: Counter[str] = Counter()
        timings = Hist()

        async def worker() -> None:
            async with httpx.AsyncClient(timeout=60) as client:
                while True:
                    try:
                        conn = queue.get_nowait()
                    except asyncio.QueueEmpty:
                        return
                    base = f"http://127.0.0.1:{self.ports[conn.server]}"
                    t0 = monotonic_ns()
                    for _ in range(3):
                        client.cookies.clear()
                        try:
                            await client.get(f"{base}/api/session/")
                            token = client.cookies.get("csrftoken")
                            response = await client.post(
                                f"{base}/api/session/",
                                json={},
                                headers={"X-CSRFToken": token or "", "Origin": base},
                            )
                        except httpx.HTTPError as exc:
                            failures[type(exc).__name__] += 1
                            continue
                        if response.status_code == 201:
                            conn.handle = response.json()["handle"]
                            conn.cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
                            timings.add_ns(monotonic_ns() - t0)
                            break
                        failures[f"http {response.status_code}"] += 1

        started = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.monotonic() - started
        created = sum(1 for c in self.conns if c.cookie)
        return {
            "created": created,
            "seconds": elapsed,
            "per_second": created / elapsed if elapsed else 0.0,
            "failures": dict(failures),
            "time": timings.to_json(),
        }

    async def _connect_all(self, todo: list[Conn], concurrency: int) -> dict[str, Any]:
        sem = asyncio.Semaphore(concurrency)
        handshake, welcome = Hist(), Hist()
        failures: Counter[str] = Counter()

        async def one(conn: Conn) -> None:
            if self.kind == "kindred" and not conn.cookie:
                failures["no member"] += 1
                return
            async with sem:
                result = await self.open(conn)
            if result["ok"]:
                handshake.add_ns(result["handshake_ns"])
                welcome.add_ns(result["welcome_ns"])
            else:
                failures[result["reason"]] += 1

        started = time.monotonic()
        await asyncio.gather(*(one(conn) for conn in todo))
        first_failures = dict(failures)
        # Clients retry a failed connect after a pause; so does the benchmark, once.
        again = [c for c in todo if c.ws is None and (c.cookie or self.kind != "kindred")]
        failures.clear()
        if again:
            await asyncio.sleep(1.0)
            sem = asyncio.Semaphore(max(1, concurrency // 4))
            await asyncio.gather(*(one(conn) for conn in again))
        elapsed = time.monotonic() - started
        return {
            "first_attempt_failures": first_failures,
            "attempted": len(todo),
            "connected": sum(1 for c in todo if c.ws is not None),
            "up": sum(1 for c in self.conns if c.ws is not None),
            "seconds": elapsed,
            "failures": dict(failures),
            "before_welcome": dict(self.before_welcome),
            "handshake": handshake.to_json(),
            "welcome": welcome.to_json(),
        }

    def _plan(self, cmd: dict[str, Any]) -> list[tuple[int, Conn, int]]:
        """(offset ns from start, sender, seq) for this process, in time order."""
        duration_ns = int(cmd["duration"] * 1e9)
        senders = [c for c in self.conns if c.sender]
        plan: list[tuple[int, Conn, int]] = []
        if not senders:
            return plan
        if cmd["schedule"] == "fixed":
            # The total rate is shared by every sender of every process; this
            # process sends its share, phase-shifted so processes interleave.
            rate = cmd["rate"] * len(senders) / self.total_senders
            interval = 1e9 / rate
            phase = int(self.proc * 1e9 / cmd["rate"])
            k = 0
            while True:
                offset = phase + int(k * interval)
                if offset >= duration_ns:
                    break
                plan.append((offset, senders[k % len(senders)], k))
                k += 1
            return plan
        # "random": each sender posts after a gap drawn from [min_gap, max_gap],
        # from a random point in its first gap, seeded per member.
        low, high = cmd["min_gap"], cmd["max_gap"]
        events: list[tuple[int, Conn]] = []
        for conn in senders:
            rng = random.Random(cmd["seed"] * 1_000_003 + conn.gid)
            t = rng.uniform(0, rng.uniform(low, high))
            while t * 1e9 < duration_ns:
                events.append((int(t * 1e9), conn))
                t += rng.uniform(low, high)
        events.sort(key=lambda e: e[0])
        return [(offset, conn, seq) for seq, (offset, conn) in enumerate(events)]

    async def cmd_run(self, cmd: dict[str, Any]) -> dict[str, Any]:
        self.step = cmd["step"]
        self._reset_step()
        plan = self._plan(cmd)
        start_ns = cmd["start_ns"]
        delay = (start_ns - monotonic_ns()) / 1e9
        if delay > 0:
            await asyncio.sleep(delay)
        prefix = f"b{self.proc}.{self.step}."
        nbodies = len(BODIES)
        for offset, conn, seq in plan:
            due = start_ns + offset
            wait = due - monotonic_ns()
            if wait > 0:
                await asyncio.sleep(wait / 1e9)
            ws = conn.ws
            if ws is None and not self.QUEUE_OFFLINE:
                self.skipped += 1
                continue
            now = monotonic_ns()
            self.lag.add_ns(max(0, now - due))
            nonce = f"{prefix}{seq}.{now}"
            conn.pending[nonce] = now
            self.sent += 1
            if ws is None:
                continue  # queued: open(resume=True) sends it once the socket is back
            try:
                await ws.send(
                    dumps({"type": "message", "body": BODIES[seq % nbodies], "nonce": nonce})
                )
            except ConnectionClosed:
                # Stays pending: resent with the same nonce after the reconnect.
                self.send_failed += 1
        sends_done_ns = monotonic_ns()
        # Drain: every ack in (or given up), then a quiet second with no delivery.
        quiet_ns = int(cmd.get("quiet", 1.0) * 1e9)
        deadline = monotonic_ns() + int(cmd.get("drain_timeout", 60.0) * 1e9)
        while monotonic_ns() < deadline:
            pending = sum(len(c.pending) for c in self.conns)
            last = max(self.last_recv_ns, self.last_ack_ns, sends_done_ns)
            if not pending and monotonic_ns() - last > quiet_ns:
                break
            await asyncio.sleep(0.05)
        return {
            "ok": True,
            "sent": self.sent,
            "skipped_disconnected": self.skipped,
            "send_failed": self.send_failed,
            "acked": self.acked_n,
            "unacked": sum(len(c.pending) for c in self.conns),
            "errors": dict(self.errors),
            "delivered": self.delivered,
            "dups": self.dups,
            "out_of_order": self.out_of_order,
            "other_step": self.other_step,
            "foreign": self.foreign,
            "first_recv_ns": self.first_recv_ns,
            "last_recv_ns": self.last_recv_ns,
            "sends_done_ns": sends_done_ns,
            "latency": self.lat.to_json(),
            "ack": self.ack.to_json(),
            "lag": self.lag.to_json(),
            "acked_keys": self.acked,
            "closes": dict(self.closes),
            "reconnects": self.reconnects,
            "reconnect_failures": self.reconnect_failures,
            "resumed": self.resumed,
            "late_acks_from_earlier_steps": self.late_acks,
            "up": sum(1 for c in self.conns if c.ws is not None),
        }

    async def cmd_verify(self, cmd: dict[str, Any]) -> dict[str, Any]:
        """Count, per socket, acked messages of the step it never received. Waits (up
        to ``wait`` seconds) while deliveries are still arriving, so a late message
        is counted as late, not lost."""
        acked = {room: set(keys) for room, keys in cmd["acked"].items()}
        empty: set[int] = set()
        deadline = time.monotonic() + cmd.get("wait", 30.0)
        while True:
            lost = sockets_missing = extra = 0
            for conn in self.conns:
                if not conn.ever_connected:
                    continue
                expected = acked.get(conn.room, empty)
                missing = len(expected - conn.got)
                lost += missing
                sockets_missing += 1 if missing else 0
                extra += len(conn.got - expected)
            quiet = monotonic_ns() - self.last_recv_ns > 2_000_000_000
            if not lost or quiet or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.5)
        return {
            "ok": True,
            "lost": lost,
            "sockets_missing": sockets_missing,
            "unacked_seen": extra,
            "delivered": self.delivered,
            "last_recv_ns": self.last_recv_ns,
        }

    async def cmd_settle(self, cmd: dict[str, Any]) -> dict[str, Any]:
        """Wait until the server has answered everything sent so far (a saturated
        step leaves a backlog) and deliveries stopped for a second."""
        started = time.monotonic()
        deadline = started + cmd.get("timeout", 300.0)
        while time.monotonic() < deadline:
            pending = sum(len(c.pending) for c in self.conns)
            if not pending and monotonic_ns() - self.last_any_ns > 1_000_000_000:
                break
            await asyncio.sleep(0.1)
        return {
            "ok": True,
            "seconds": time.monotonic() - started,
            "pending": sum(len(c.pending) for c in self.conns),
        }

    async def cmd_pings(self, cmd: dict[str, Any]) -> dict[str, Any]:
        """Pause or resume the application pings (to measure a server's own idle work)."""
        self.pings_paused = not cmd["on"]
        return {"ok": True}

    async def cmd_status(self, cmd: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "up": sum(1 for c in self.conns if c.ws is not None),
            "closes": dict(self.closes),
            "reconnects": self.reconnects,
            "pongs": self.pongs,
            "frames": dict(self.frames),
        }

    async def cmd_quit(self, cmd: dict[str, Any]) -> dict[str, Any]:
        self.stopping = True
        if self._ping_task is not None:
            self._ping_task.cancel()
        sockets = [c.ws for c in self.conns if c.ws is not None]

        async def close(ws: ClientConnection) -> None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(), timeout=5)

        for start in range(0, len(sockets), 200):
            await asyncio.gather(*(close(ws) for ws in sockets[start : start + 200]))
        return {"ok": True}

    # --- main ------------------------------------------------------------------------

    async def main(self) -> None:
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(limit=2**26)
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        while True:
            line = await reader.readline()
            if not line:
                await self.cmd_quit({})
                return
            cmd = json.loads(line)
            try:
                reply = await getattr(self, "cmd_" + cmd["cmd"])(cmd)
            except Exception as exc:
                reply = {"ok": False, "error": repr(exc)}
            sys.stdout.write(json.dumps(reply) + "\n")
            sys.stdout.flush()
            if cmd["cmd"] == "quit":
                return


def main(cls: type[LoadGen] = LoadGen) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    cfg = json.loads(Path(sys.argv[1]).read_text())
    # uvloop's transports read sockets in C: with 30,000+ frames a second to
    # take in, the plain asyncio loop cost the generator about a fifth more CPU,
    # taken from the server it shares the cores with (docs/performance.md).
    try:
        import uvloop
    except ImportError:
        asyncio.run(cls(cfg).main())
    else:
        uvloop.run(cls(cfg).main())


if __name__ == "__main__":
    main()
