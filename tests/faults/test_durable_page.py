"""A crisis page is recorded before it is sent, so a process killed mid-page
does not lose it: the next process pages again after restart (issue 21).

The pager is a local HTTP server. While the first daphne process is sending,
the pager holds the request unanswered; the process is killed with SIGKILL
(the page recorded as escalated, never as delivered). A new process, started
afterwards, sends the page again and it is answered. Time is controlled by
settings (a 1 s retry interval and heartbeat), not waited out.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from devserver import wait_until
from tests.live import LiveMember, LiveServer, logs_on_failure, next_frame

pytestmark = [pytest.mark.faults, pytest.mark.live]

CRISIS = "I want to kill myself tonight"


class HoldingPager:
    """Records every page; holds each request unanswered while ``holding`` is set."""

    def __init__(self) -> None:
        self.arrived: list[dict] = []
        self.answered: list[dict] = []
        self.holding = threading.Event()
        self.holding.set()
        self.release = threading.Event()
        pager = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                pager.arrived.append(body)
                if pager.holding.is_set():
                    pager.release.wait(60)  # the sender dies meanwhile
                    return
                pager.answered.append(body)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/page"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def paged_at(database, handle: str) -> list[str]:
    code = (
        "from moderation.models import QueueItem\n"
        f"for i in QueueItem.objects.filter(kind='crisis', subject__handle={handle!r}):\n"
        "    print('item:', 'escalated' if i.escalated_at else 'no', "
        "'paged' if i.paged_at else 'unpaged')\n"
    )
    out = database.manage("shell", "-c", code).splitlines()
    return [line.removeprefix("item: ") for line in out if line.startswith("item: ")]


async def test_a_page_recorded_before_sigkill_is_sent_after_restart(live_database):
    pager = HoldingPager()
    env = {
        "CRISIS_WEBHOOK_URL": pager.url,
        "CRISIS_WEBHOOK_ATTEMPTS": "1",
        "CRISIS_PAGE_RETRY_SECONDS": "1",
        "PRESENCE_HEARTBEAT_SECONDS": "1",
        "PRESENCE_TTL_SECONDS": "6",
    }
    first, second = LiveServer(live_database, **env), LiveServer(live_database, **env)
    try:
        with logs_on_failure(first, second):
            first.start()
            member = LiveMember(first)
            ws = await member.connect("/ws/rooms/late-night/")
            await next_frame(ws, "welcome")
            await ws.send(json.dumps({"type": "message", "body": CRISIS, "nonce": "c1"}))
            await next_frame(ws, "ack")
            # Nobody on duty: escalated at once; the page is on its way and held.
            wait_until(
                lambda: any(p["handle"] == member.handle for p in pager.arrived),
                timeout=30,
                what="the first page to arrive",
            )
            first.kill()
            assert not [p for p in pager.answered if p["handle"] == member.handle]
            assert paged_at(live_database, member.handle) == ["escalated unpaged"]

            pager.holding.clear()
            # The new process pages again on its own: nobody needs to open a
            # page for its heartbeat to start.
            second.start()

            # (Other tests' unpaged items in the shared database may be paged too.)
            def ours() -> list[dict]:
                return [p for p in pager.answered if p["handle"] == member.handle]

            wait_until(ours, timeout=30, what="the page sent again")
            page = ours()[0]
            assert page["reason"] == "the page before did not get through"
            assert page["category"] == "suicide" and page["handle"] == member.handle
            wait_until(
                lambda: paged_at(live_database, member.handle) == ["escalated paged"],
                timeout=30,
                what="the page recorded as delivered",
            )
    finally:
        first.stop()
        second.stop()
        pager.close()
