"""A room client that behaves like a careful real one, for the fault tests.

It does what docs/protocol.md asks of clients: on any close it reconnects (to the
next server when the one it used went away: 1012, or dropped without a close
frame), sends ``resume`` with the last id it has in order, and resends every
unacknowledged message with the same nonce, on reconnect and after an
``unavailable`` error. It stops for good on 4401/4403/4404.

Everything it receives is recorded, so a test can check the server's side of
the bargain:

* ``ordered``: the ids of the in-order stream: live messages, and the pages of
  each ``resume``. The server promises this is strictly increasing and, once
  everything is acknowledged and delivered, exactly the acknowledged ids.
* ``received``: every ``message`` frame as ``(connection, phase, id)``. A
  message can arrive live between a reconnect's ``welcome`` and the server
  reading its ``resume``, and then again, in order, in the resume page; such
  early copies are kept here, never in ``ordered``, and counted by
  :meth:`early_copies` (the browser client de-duplicates them by id).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from typing import Any

import websockets

from devserver import wait_for
from tests.live import LiveMember, LiveServer

#: Close codes after which a client must not reconnect by itself.
FINAL_CODES = frozenset({4401, 4403, 4404})
#: Close codes that mean "this server is going away": try another one.
MOVE_CODES = frozenset({1001, 1006, 1012})


def in_order_tail(page: list[int]) -> list[int]:
    """The resume page proper: the strictly increasing run that ends the frames
    received between sending ``resume`` and ``resumed`` (live frames the server
    sent before it read the resume come first, and come again in the page)."""
    start = len(page)
    while start > 0 and (start == len(page) or page[start - 1] < page[start]):
        start -= 1
    return page[start:]


class ResilientClient:
    def __init__(
        self,
        member: LiveMember,
        path: str,
        servers: list[LiveServer],
        *,
        retry_seconds: float = 0.25,
    ) -> None:
        self.handle = member.handle
        self.cookie = member.cookie_header()
        self.path = path
        self.servers = list(servers)
        self.retry_seconds = retry_seconds
        self._server = 0
        self._nonces = itertools.count(1)
        # What happened, for the test to check.
        self.start_id: int | None = None
        self.ordered: list[int] = []
        self.received: list[tuple[int, str, int]] = []
        self.frames: dict[int, dict[str, Any]] = {}
        self.acks: dict[str, int] = {}
        self.ack_frames: list[dict[str, Any]] = []
        self.errors: list[dict[str, Any]] = []
        self.closes: list[int | None] = []
        self.connections = 0
        self.connect_failures = 0
        self.resumes = 0
        self.stopped_code: int | None = None
        #: Messages not yet acknowledged: nonce -> body, oldest first.
        self.outbox: dict[str, str] = {}
        # State of the current connection.
        self._ws: Any = None
        self._welcomed = False
        self.ready = asyncio.Event()
        self._stop = False
        self._task: asyncio.Task[None] | None = None
        self._timers: set[asyncio.TimerHandle] = set()
        self._sending: set[asyncio.Future[None]] = set()
        #: An unexpected exception that ended the client (tests re-raise it).
        self.failure: BaseException | None = None

    # --- lifecycle ---------------------------------------------------------------

    async def start(self, timeout: float = 20) -> ResilientClient:
        self._task = asyncio.create_task(self._run(), name=f"client-{self.handle}")
        try:
            async with asyncio.timeout(timeout):
                await self.ready.wait()
        except TimeoutError:
            raise AssertionError(f"{self.handle} never got going: {self.describe()}") from (
                self.failure
            )
        return self

    def describe(self) -> str:
        return (
            f"connections={self.connections} connect_failures={self.connect_failures} "
            f"closes={self.closes} errors={self.errors[-3:]} outbox={len(self.outbox)} "
            f"acks={len(self.acks)} ordered={len(self.ordered)} failure={self.failure!r}"
        )

    async def stop(self) -> None:
        self._stop = True
        for timer in self._timers:
            timer.cancel()
        ws = self._ws
        if ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(), 5)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    def drop(self) -> None:
        """Lose the line without a goodbye (a phone going through a tunnel)."""
        ws = self._ws
        if ws is not None:
            ws.transport.abort()

    @property
    def server(self) -> LiveServer:
        return self.servers[self._server % len(self.servers)]

    async def _run(self) -> None:
        try:
            await self._connect_loop()
        except asyncio.CancelledError:
            raise
        except BaseException as exc:
            self.failure = exc
            raise

    async def _connect_loop(self) -> None:
        delay = 0.05
        while not self._stop:
            server = self.server
            try:
                ws = await websockets.connect(
                    f"{server.ws}{self.path}",
                    additional_headers={"Cookie": self.cookie},
                    origin=f"http://127.0.0.1:{server.port}",
                    compression=None,
                    open_timeout=5,
                    close_timeout=2,
                    ping_interval=None,
                )
            except (OSError, TimeoutError, websockets.InvalidHandshake):
                self.connect_failures += 1
                self._server += 1
                await asyncio.sleep(delay)
                delay = min(delay * 2, 1.0)
                continue
            self.connections += 1
            self._ws = ws
            try:
                await self._session(ws, self.connections)
            except websockets.ConnectionClosed:
                pass
            finally:
                self._ws = None
                self._welcomed = False
                self.ready.clear()
            code = ws.close_code
            self.closes.append(code)
            if self._stop:
                return
            if code in FINAL_CODES:
                self.stopped_code = code
                return
            if code in MOVE_CODES:
                self._server += 1
                delay = 0.05
            await asyncio.sleep(delay)
            delay = min(delay * 2, 1.0)

    # --- one connection -------------------------------------------------------------

    async def _session(self, ws: Any, connection: int) -> None:
        welcome = json.loads(await ws.recv())
        if welcome.get("type") != "welcome":
            raise AssertionError(f"expected a welcome, got {welcome}")
        resuming = False
        page: list[int] = []
        if self.start_id is None:
            self.start_id = max((m["id"] for m in welcome["history"]), default=0)
        else:
            resuming = True
            await self._resume(ws)
        self._welcomed = True
        if not resuming:
            self.ready.set()
        for nonce, body in list(self.outbox.items()):
            await self._send_frame(ws, nonce, body)
        async for raw in ws:
            frame = json.loads(raw)
            kind = frame.get("type")
            if kind == "message":
                self.frames[frame["id"]] = frame
                self.received.append((connection, "resume" if resuming else "live", frame["id"]))
                if resuming:
                    page.append(frame["id"])
                else:
                    self.ordered.append(frame["id"])
            elif kind == "resumed":
                self.ordered.extend(in_order_tail(page))
                page = []
                if frame.get("more"):
                    await self._resume(ws, after=frame["last_id"])
                else:
                    resuming = False
                    self.ready.set()
            elif kind == "ack":
                self.ack_frames.append(frame)
                if frame.get("nonce") is not None:
                    self.acks[frame["nonce"]] = frame["id"]
                    self.outbox.pop(frame["nonce"], None)
            elif kind == "error":
                self.errors.append(frame)
                self._after_error(frame)

    async def _resume(self, ws: Any, after: int | None = None) -> None:
        if after is None:
            after = self.ordered[-1] if self.ordered else self.start_id
        self.resumes += 1
        await ws.send(json.dumps({"type": "resume", "after": after}))

    def _after_error(self, frame: dict[str, Any]) -> None:
        code = frame.get("code")
        if code == "unavailable" and frame.get("nonce") in self.outbox:
            self._later(self.retry_seconds, [frame["nonce"]])
        elif code in ("rate_limited", "slow_mode"):
            # These name no nonce: try everything still waiting, after the pause.
            self._later(float(frame.get("retry_after", 1)), list(self.outbox))

    def _later(self, seconds: float, nonces: list[str]) -> None:
        loop = asyncio.get_running_loop()
        handle = loop.call_later(seconds, lambda: self._resend(nonces))
        self._timers.add(handle)

    def _resend(self, nonces: list[str]) -> None:
        ws = self._ws
        if ws is None or not self._welcomed or self._stop:
            return  # the next connection resends the whole outbox
        for nonce in nonces:
            if nonce in self.outbox:
                self._spawn(self._send_frame(ws, nonce, self.outbox[nonce]))

    def _spawn(self, coro: Any) -> None:
        future = asyncio.ensure_future(coro)
        self._sending.add(future)
        future.add_done_callback(self._sending.discard)

    async def _send_frame(self, ws: Any, nonce: str, body: str) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            await ws.send(json.dumps({"type": "message", "body": body, "nonce": nonce}))

    # --- what tests call -------------------------------------------------------------

    def send(self, body: str) -> str:
        """Queue a message (sent now if connected); returns its nonce."""
        nonce = f"{self.handle}-{next(self._nonces)}"
        self.outbox[nonce] = body
        ws = self._ws
        if ws is not None and self._welcomed:
            self._spawn(self._send_frame(ws, nonce, body))
        return nonce

    def _check_alive(self) -> None:
        if self.failure is not None:
            raise AssertionError(f"{self.handle}'s client failed") from self.failure

    async def wait_acked(self, timeout: float) -> None:
        def done() -> bool:
            self._check_alive()
            return not self.outbox

        await wait_for(
            done, timeout=timeout, what=f"{self.handle}'s messages acked ({self.describe()})"
        )

    async def wait_delivered(self, ids: set[int], timeout: float) -> None:
        def done() -> bool:
            self._check_alive()
            return ids <= set(self.ordered)

        await wait_for(
            done, timeout=timeout, what=f"{self.handle} to receive {len(ids)} messages in order"
        )

    def early_copies(self) -> int:
        """Message frames received outside the in-order stream (see the module doc)."""
        return len(self.received) - len(self.ordered)

    def check_stream(self, expected: set[int]) -> None:
        """Every id of *expected* exactly once, in strictly increasing order, nothing else."""
        ordered = self.ordered
        assert all(a < b for a, b in itertools.pairwise(ordered)), (
            f"{self.handle}: ids not strictly increasing: {ordered}"
        )
        assert set(ordered) == expected, (
            f"{self.handle}: missing {sorted(expected - set(ordered))}, "
            f"unexpected {sorted(set(ordered) - expected)}"
        )
        stray = {mid for _, _, mid in self.received} - set(ordered)
        assert not stray, f"{self.handle}: frames outside the in-order stream: {sorted(stray)}"


def acked_ids(clients: list[ResilientClient]) -> set[int]:
    ids: set[int] = set()
    for client in clients:
        ids.update(client.acks.values())
    return ids


async def talk(clients: list[ResilientClient], stop: asyncio.Event, every: float = 0.03) -> int:
    """Round-robin messages from every client until *stop*; returns how many."""
    sent = 0
    for client in itertools.cycle(clients):
        if stop.is_set():
            return sent
        sent += 1
        client.send(f"message {sent} from {client.handle}")
        await asyncio.sleep(every)
    return sent


def acks(clients: list[ResilientClient]) -> int:
    """How many messages the clients have had acknowledged, in all."""
    return sum(len(c.acks) for c in clients)
