"""Shared pieces of the browser tests: settings, the page opener, small actions."""

from __future__ import annotations

import os

from tests.live import LiveMember, LiveServer

CHROMIUM = os.environ.get("KINDRED_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"
#: Generous enough for a loaded CI machine; conditions usually hold in milliseconds.
WAIT_MS = 10_000
#: A live server relaxed enough that tests can send quickly (the XSS corpus).
FAST_LIMITS = {"MESSAGE_RATE_LIMIT": "1000/1s", "SOCKET_FRAME_RATE": "1000"}
PHONE = {"width": 360, "height": 800}
DESKTOP = {"width": 1280, "height": 800}


class Pages:
    """Opens pages in fresh browser contexts (one per member), closed after the test."""

    def __init__(self, browser, server: LiveServer) -> None:
        self.browser = browser
        self.server = server
        self.contexts = []
        self.script_errors: list[str] = []

    def member(self, handle: str | None = None) -> LiveMember:
        return LiveMember(self.server, handle)

    def open(
        self,
        path: str = "/",
        *,
        member: LiveMember | None = None,
        viewport: dict | None = None,
        goto: bool = True,
        **options,
    ):
        options.setdefault("reduced_motion", "reduce")
        options.setdefault("color_scheme", "light")
        context = self.browser.new_context(
            base_url=self.server.http, viewport=viewport or DESKTOP, **options
        )
        context.set_default_timeout(WAIT_MS)
        self.contexts.append(context)
        if member is not None:
            context.add_cookies(
                [
                    {"name": name, "value": value, "url": self.server.http}
                    for name, value in member.client.cookies.items()
                ]
            )
        page = context.new_page()
        page.on("pageerror", lambda error: self.script_errors.append(f"{page.url}: {error}"))
        if goto:
            page.goto(path)
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()
        self.contexts.clear()


def wait_connected(page, timeout: int = WAIT_MS) -> None:
    from playwright.sync_api import expect

    expect(page.locator("#conn")).to_have_attribute("data-state", "connected", timeout=timeout)


def send(page, text: str) -> None:
    page.locator("#message-input").fill(text)
    page.locator("#message-input").press("Enter")


def serious_axe_violations(page, context: str | None = None) -> list[str]:
    """axe-core's serious and critical violations on *page* (or inside *context*), in words."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=context)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


class SocketTap:
    """Routes a page's room sockets through Playwright so a test can add server frames."""

    def __init__(self, page) -> None:
        import re

        self.routes = []
        page.route_web_socket(re.compile(r"/ws/rooms/"), self._route)

    def _route(self, route) -> None:
        route.connect_to_server()
        self.routes.append(route)

    def send_to_page(self, frame: dict) -> None:
        import json

        assert self.routes, "the page has no socket yet"
        self.routes[-1].send(json.dumps(frame))

    def close_page(self, code: int) -> None:
        """Closes the page's socket with *code*, as the server would."""
        assert self.routes, "the page has no socket yet"
        self.routes[-1].close(code=code, reason="test")


def reconnect_now(page) -> None:
    """Presses "Try now" if the page is still waiting to reconnect (it may have by itself)."""
    page.evaluate(
        "() => { const b = document.getElementById('conn-retry'); if (!b.hidden) b.click(); }"
    )


def room_of_its_own(server: LiveServer, slug: str) -> str:
    """A topic room only the calling test uses (so counts in the seeded rooms stay theirs)."""
    server.database.manage(
        "shell",
        "-c",
        "from rooms.models import Room; "
        f"Room.objects.get_or_create(slug={slug!r}, "
        f"defaults={{'title': {slug.replace('-', ' ').capitalize()!r}, 'kind': 'topic'}})",
    )
    return f"/rooms/{slug}/"


class SocketGate:
    """Routes a page's room sockets through a gate the test opens and closes: while it
    is closed each socket is closed at once with 1012 (the page keeps retrying)."""

    def __init__(self, page, open: bool = True) -> None:
        import re

        self.open = open
        page.route_web_socket(re.compile(r"/ws/rooms/"), self._route)

    def _route(self, route) -> None:
        if self.open:
            route.connect_to_server()
        else:
            route.close(code=1012, reason="test: the gate is closed")
