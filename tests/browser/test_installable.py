"""Kindred installs to a home screen: a manifest Chromium accepts, and a service
worker that controls the site and keeps only static files, never a page or an API answer."""

from __future__ import annotations

import pytest

from tests.browser.helpers import PHONE, wait_connected

pytestmark = [pytest.mark.browser, pytest.mark.live]


def test_the_manifest_is_valid_and_the_worker_caches_no_private_page(pages):
    me = pages.member()
    page = pages.open("/", member=me, viewport=PHONE)
    manifest = page.context.new_cdp_session(page).send("Page.getAppManifest")
    assert manifest["url"].endswith("/static/kindred/manifest.webmanifest")
    assert manifest["errors"] == [], manifest["errors"]
    data = manifest["data"]
    assert '"short_name": "Kindred"' in data and '"start_url": "/"' in data
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    page.reload()  # the first visit installed it; from here on it controls the pages
    assert page.evaluate("() => navigator.serviceWorker.controller !== null")
    # Visit private pages and API answers under the worker's control.
    for path in ("/chats/", "/me/", "/rooms/newcomers/"):
        page.goto(path)
    wait_connected(page)
    page.evaluate("fetch('/api/inbox/').then((r) => r.json())")
    cached = page.evaluate(
        """async () => {
          const urls = [];
          for (const name of await caches.keys()) {
            for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
          }
          return urls;
        }"""
    )
    paths = [url.removeprefix(pages.server.http) for url in cached]
    assert paths, "the worker keeps the static files"
    assert all(path.startswith("/static/") for path in paths), paths
