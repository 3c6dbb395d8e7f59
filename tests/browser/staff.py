"""Facilitators and peer supporters for the browser tests of the newer pages.

They are created on the live server's database with the real management commands
(``createfacilitator`` / ``createsupporter`` with ``--password-env``), all in one
``manage.py shell`` run the first time any test asks, and sign in through the
``/facilitators/login/`` form: in the browser (``sign_in_in_browser``) or over
HTTP (``LiveStaff``), whose cookies ``Pages.open(member=...)`` accepts.
"""

from __future__ import annotations

import httpx

from tests.live import LiveDatabase, LiveServer

PASSWORD = "quiet-harbour-lantern-4821"
PASSWORD_ENV = "KINDRED_TEST_STAFF_PASSWORD"
#: Every staff handle the browser tests use, created together (one process).
FACILITATORS = (
    "FacilRemoves",
    "FacilDropIn",
    "FacilCrisis",
    "FacilShots",
    "FacilAudits",
    "FacilMentor",
    "FacilSanctions",
    "FacilEnglish",
    "FacilEspanol",
    "FacilFirstLook",
)
SUPPORTERS = ("SupporterSage", "ApoyoLuz")

_created: set[str] = set()


def ensure_staff(database: LiveDatabase) -> None:
    """Create (once per database) every facilitator and supporter listed above."""
    if database.run_id in _created:
        return
    calls = [("createfacilitator", handle) for handle in FACILITATORS] + [
        ("createsupporter", handle) for handle in SUPPORTERS
    ]
    code = "\n".join(
        [
            "import os",
            "from django.core.management import call_command",
            f"os.environ[{PASSWORD_ENV!r}] = {PASSWORD!r}",
            *(
                f"call_command({command!r}, {handle!r}, password_env={PASSWORD_ENV!r})"
                for command, handle in calls
            ),
        ]
    )
    database.manage("shell", "-c", code)
    _created.add(database.run_id)


class LiveStaff:
    """A facilitator or supporter signed in over HTTP (cookies for a browser context)."""

    def __init__(self, server: LiveServer, handle: str) -> None:
        ensure_staff(server.database)
        self.handle = handle
        self.client = httpx.Client(base_url=server.http, timeout=10)
        self.client.get("/facilitators/login/")
        response = self.client.post(
            "/facilitators/login/",
            data={
                "csrfmiddlewaretoken": self.client.cookies["csrftoken"],
                "username": handle,
                "password": PASSWORD,
            },
        )
        assert response.status_code == 302, response.text[:500]


def sign_in_in_browser(page, handle: str) -> None:
    """Fills the sign-in form the page is on, as a facilitator would."""
    page.get_by_label("Handle").fill(handle)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def wait_dashboard(page) -> None:
    from playwright.sync_api import expect

    expect(page.locator("#conn")).to_have_attribute("data-state", "connected")
