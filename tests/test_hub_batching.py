"""The hub's fast path: frames built once, several messages per socket write.

A real socket pair stands in for the TCP connection daphne would hand over, so
what is checked is what a client would read off the wire.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections import deque
from typing import Any

import pytest

from realtime.hub import Hub
from realtime.sockets import LiveConsumer
from realtime.transport import DirectWriter, text_frame


class FakeTransport:
    """The parts of Twisted's TCP transport the fast path looks at."""

    TLS = False
    dataBuffer = b""
    _tempDataLen = 0
    disconnecting = False

    def __init__(self, sock: socket.socket) -> None:
        self.socket = sock

    def write(self, data: bytes) -> None:  # the slow path: Twisted would buffer, then send
        self.socket.sendall(data)


class FakeProtocol:
    STATE_OPEN = 1
    state = 1
    send_queue: deque = deque()
    websocket_extensions_in_use = None

    def __init__(self, sock: socket.socket) -> None:
        self.transport = FakeTransport(sock)


class CountingSocket:
    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self.sends = 0

    def send(self, data: bytes) -> int:
        self.sends += 1
        return self._sock.send(data)

    def sendall(self, data: bytes) -> None:  # Twisted's buffered write, in FakeTransport
        self._sock.sendall(data)

    def fileno(self) -> int:
        return self._sock.fileno()


def live_socket(blocked: frozenset[int] = frozenset(), last_id: int = 0, kernel=CountingSocket):
    server, client = socket.socketpair()
    counting = kernel(server)
    consumer = LiveConsumer.__new__(LiveConsumer)
    consumer.live, consumer.closed, consumer.last_id = True, False, last_id
    consumer.blocked = blocked
    consumer._over_since = None
    consumer._protocol = FakeProtocol(counting)
    consumer._out = DirectWriter(consumer._protocol)
    consumer.member_id, consumer.room_id, consumer.topics = 1, 7, ()
    client.setblocking(False)
    return consumer, counting, client


def frames_read(client: socket.socket) -> list[dict[str, Any]]:
    """Unmasked server text frames (under 64 KiB here), decoded."""
    data = b""
    while True:
        try:
            chunk = client.recv(65536)
        except BlockingIOError:
            break
        if not chunk:
            break
        data += chunk
    out = []
    while data:
        assert data[0] == 0x81 and data[1] <= 126
        length, start = data[1], 2
        if length == 126:
            length, start = int.from_bytes(data[2:4], "big"), 4
        out.append(json.loads(data[start : start + length]))
        data = data[start + length :]
    return out


def message(message_id: int, author_id: int) -> tuple[int, int, str]:
    return (message_id, author_id, json.dumps({"type": "message", "id": message_id}))


@pytest.fixture
def hub():
    hub = Hub()
    hub.loop = asyncio.new_event_loop()
    yield hub
    hub.loop.close()


def write_all(hub: Hub, targets: tuple, messages: list[tuple[int, int, str]]) -> None:
    for args in messages:
        hub._enqueue("message", targets, args)
    _, first_targets, first = hub._outbox.popleft()
    hub.loop.run_until_complete(hub._write_messages(hub._outbox, first_targets, first))


def test_messages_queued_together_reach_each_socket_in_one_write(hub):
    sockets = [live_socket() for _ in range(3)]
    targets = tuple(consumer for consumer, _, _ in sockets)
    write_all(hub, targets, [message(i, 5) for i in (11, 12, 13)])
    for consumer, counting, client in sockets:
        assert [f["id"] for f in frames_read(client)] == [11, 12, 13]
        assert counting.sends == 1
        assert consumer.last_id == 13
    assert not hub._outbox


def test_a_batch_leaves_out_blocked_authors_and_what_a_socket_already_has(hub):
    blocking, _, blocking_client = live_socket(blocked=frozenset({9}))
    behind, _, behind_client = live_socket(last_id=12)
    plain, _, plain_client = live_socket()
    batch = [message(11, 5), message(12, 9), message(13, 5), message(14, 9)]
    write_all(hub, (blocking, behind, plain), batch)
    assert [f["id"] for f in frames_read(blocking_client)] == [11, 13]
    assert [f["id"] for f in frames_read(behind_client)] == [13, 14]
    assert [f["id"] for f in frames_read(plain_client)] == [11, 12, 13, 14]
    assert blocking.last_id == behind.last_id == plain.last_id == 14


def test_messages_for_other_sockets_are_not_swept_into_the_batch(hub, settings):
    settings.HUB_BATCH_MAX_MESSAGES = 2
    first, _, first_client = live_socket()
    second, _, _ = live_socket()
    hub._enqueue("message", (first,), message(1, 5))
    hub._enqueue("message", (first,), message(2, 5))
    hub._enqueue("message", (first,), message(3, 5))  # over the batch limit
    hub._enqueue("message", (second,), message(4, 5))  # another room
    _, targets, args = hub._outbox.popleft()
    hub.loop.run_until_complete(hub._write_messages(hub._outbox, targets, args))
    assert [f["id"] for f in frames_read(first_client)] == [1, 2]
    assert [item[2][0] for item in hub._outbox] == [3, 4]


def test_a_reply_is_framed_and_written_straight_to_the_socket(hub):
    """Acks, pongs and errors take the same direct write as the hub's messages."""
    consumer, counting, client = live_socket()
    consumer.hub = None
    hub.loop.run_until_complete(consumer.send_text('{"type":"pong"}'))
    assert frames_read(client) == [{"type": "pong"}]
    assert counting.sends == 1


def test_a_reply_queues_behind_what_the_socket_still_has_to_send(hub):
    consumer, counting, _ = live_socket()
    consumer.hub = None
    held = consumer._protocol.transport
    written: list[bytes] = []
    held.dataBuffer = b"earlier"  # Twisted still holds bytes for this socket
    held.write = written.append
    hub.loop.run_until_complete(consumer.send_text('{"type":"pong"}'))
    # Not sent past them: handed to Twisted, which sends in order.
    assert counting.sends == 0 and written == [b'\x81\x0f{"type":"pong"}']


# --- an ack written by the worker thread that stored the message -------------------


def from_thread(call):
    """Run *call* in another thread, as a service's worker thread runs it."""
    result: list[Any] = []
    worker = threading.Thread(target=lambda: result.append(call()))
    worker.start()
    worker.join(5)
    assert not worker.is_alive()
    return result[0]


def test_a_worker_thread_writes_the_crisis_card_and_ack_straight_to_the_socket():
    consumer, counting, client = live_socket()
    card = {
        "type": "crisis",
        "category": "suicide",
        "country": "US",
        "message": "We are here.",
        "followup": "alerted",
        "followup_text": "A facilitator will check in.",
        "resources": [],
    }
    ack = {"type": "ack", "nonce": "n1", "id": 42}
    assert from_thread(lambda: consumer.reply_from_thread([card, ack])) is True
    # One write, card first: the member sees the card before their message is confirmed.
    assert counting.sends == 1
    assert frames_read(client) == [card, ack]


def test_a_worker_thread_leaves_the_ack_to_the_loop_when_twisted_holds_bytes():
    consumer, counting, client = live_socket()
    consumer._protocol.transport.dataBuffer = b"earlier"
    assert (
        from_thread(lambda: consumer.reply_from_thread([{"type": "ack", "nonce": None, "id": 1}]))
        is False
    )
    assert counting.sends == 0 and frames_read(client) == []


def test_a_worker_thread_writes_nothing_once_the_socket_is_closing():
    consumer, counting, client = live_socket()
    consumer._out.closing()
    assert (
        from_thread(lambda: consumer.reply_from_thread([{"type": "ack", "nonce": None, "id": 1}]))
        is False
    )
    assert counting.sends == 0 and frames_read(client) == []


class ShortSocket(CountingSocket):
    """A kernel that takes only the first *room* bytes of the next send, as a
    nearly full send buffer does."""

    room: int | None = None

    def send(self, data: bytes) -> int:
        if self.room is not None:
            data, self.room = data[: self.room], None
        return super().send(data)


def test_what_the_kernel_did_not_take_of_an_ack_goes_before_the_next_message():
    consumer, short, client = live_socket(kernel=ShortSocket)
    short.room = 5  # the frame header and three bytes of the ack
    ack = {"type": "ack", "nonce": "n1", "id": 42}
    assert from_thread(lambda: consumer.reply_from_thread([ack])) is True
    # A message for the room comes next, on the loop: it must not land inside the ack.
    framed = [(43, 2, text_frame(b'{"type":"message","id":43}'))]
    assert consumer.offer_messages(framed, framed[0][2]) is True
    assert frames_read(client) == [ack, {"type": "message", "id": 43}]


def test_closing_a_socket_sends_what_a_thread_left_unsent_first():
    consumer, short, client = live_socket(kernel=ShortSocket)
    short.room = 4
    assert (
        from_thread(lambda: consumer.reply_from_thread([{"type": "ack", "nonce": None, "id": 1}]))
        is True
    )
    consumer._out.closing()  # what close() does before daphne writes the close frame
    assert frames_read(client) == [{"type": "ack", "nonce": None, "id": 1}]


# --- one write per room per interval ---------------------------------------------


def room_hub(
    hub: Hub, interval: float, settings, room_id: int = 7
) -> tuple[Any, Any, socket.socket]:
    """*hub* with one live socket in *room_id*; room 7's chain is known up to id 10."""
    settings.HUB_ROOM_WRITE_INTERVAL_SECONDS = interval
    consumer, counting, client = live_socket()
    consumer.room_id = room_id
    hub.register(consumer)
    if room_id == 7:
        hub.room_known(7, 10)
    return consumer, counting, client


def arrive(hub: Hub, *ids: int) -> None:
    for message_id in ids:
        text = json.dumps({"type": "message", "id": message_id})
        hub._on_message(7, message_id, message_id - 1, 5, text)


def run_writer_until(hub: Hub, done) -> None:
    """Run the hub's writer on its loop until *done()* holds (or fail after 5 s)."""

    async def wait() -> None:
        writer = asyncio.ensure_future(hub._writer())
        try:
            async with asyncio.timeout(5):
                while not done():
                    await asyncio.sleep(0.001)
        finally:
            writer.cancel()

    hub.loop.run_until_complete(wait())


def test_a_message_in_a_quiet_room_is_written_at_once(hub, settings):
    _, _, _ = room_hub(hub, 60.0, settings)
    arrive(hub, 11)
    assert [item[2][0] for item in hub._outbox] == [11]
    assert not hub._holding


def test_messages_arriving_within_the_interval_go_out_together(hub, settings):
    consumer, counting, client = room_hub(hub, 0.05, settings)
    arrive(hub, 11)
    run_writer_until(hub, lambda: consumer.last_id == 11)
    arrive(hub, 12, 13)
    assert not hub._outbox  # held: the room was written to just now
    run_writer_until(hub, lambda: consumer.last_id == 13)
    assert [f["id"] for f in frames_read(client)] == [11, 12, 13]
    assert counting.sends == 2  # 11 alone, then 12 and 13 in one write


def test_nothing_for_the_room_overtakes_its_held_messages(hub, settings):
    """A ``removed`` frame for a held message must not reach the socket before it."""
    consumer, _, client = room_hub(hub, 60.0, settings)
    arrive(hub, 11)
    run_writer_until(hub, lambda: consumer.last_id == 11)
    arrive(hub, 12)
    removed = json.dumps({"type": "removed", "id": 12})
    hub.dispatch(json.dumps({"k": "r", "r": 7, "f": removed}))
    run_writer_until(hub, lambda: not hub._outbox)
    assert [(f["type"], f["id"]) for f in frames_read(client)] == [
        ("message", 11),
        ("message", 12),
        ("removed", 12),
    ]


def test_an_event_for_a_member_releases_the_held_messages_of_their_rooms(hub, settings):
    consumer, _, client = room_hub(hub, 60.0, settings)
    arrive(hub, 11)
    run_writer_until(hub, lambda: consumer.last_id == 11)
    arrive(hub, 12)
    hub.dispatch(json.dumps({"k": "u", "u": consumer.member_id, "e": {"frame": {"type": "pong"}}}))
    run_writer_until(hub, lambda: not hub._outbox)
    assert [f["type"] for f in frames_read(client)] == ["message", "message", "pong"]


def test_an_interval_of_zero_writes_every_message_when_it_arrives(hub, settings):
    room_hub(hub, 0, settings)
    arrive(hub, 11, 12, 13)
    assert [item[2][0] for item in hub._outbox] == [11, 12, 13]
    assert not hub._holding


def test_the_last_socket_leaving_drops_the_rooms_timer(hub, settings):
    consumer, _, _ = room_hub(hub, 60.0, settings)
    arrive(hub, 11, 12)
    timer = hub.rooms[7].hold_timer
    assert timer is not None
    hub.unregister(consumer)
    assert timer.cancelled() and 7 not in hub._holding


@pytest.mark.django_db(transaction=True)  # the read-back runs on a worker thread
def test_messages_read_back_from_the_database_go_after_the_held_ones(hub, settings, member, rooms):
    """A publish lost on the bus is read back from the database (_repair); the
    messages held for the room's next write are older, so they go first."""
    from rooms.services import message_send

    sent = [
        message_send(member_id=member.pk, room_slug="newcomers", body=f"hello {n}").message
        for n in range(3)
    ]
    first, second, third = (m.id for m in sent)
    room_id = rooms["newcomers"].pk
    consumer, _, client = room_hub(hub, 60.0, settings, room_id=room_id)
    hub.room_known(room_id, first - 1)
    hub._on_message(room_id, first, first - 1, member.pk, json.dumps({"id": first}))
    run_writer_until(hub, lambda: consumer.last_id == first)
    hub._on_message(room_id, second, first, member.pk, json.dumps({"id": second}))
    assert room_id in hub._holding
    # The third's publish never came: it is read back from the database.
    hub.loop.run_until_complete(hub._repair(room_id))
    run_writer_until(hub, lambda: consumer.last_id == third)
    assert [f["id"] for f in frames_read(client)] == [first, second, third]
