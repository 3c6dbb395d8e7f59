"""Static files as production serves them: collectstatic's hashed, compressed copies,
every module of a page reachable under a hashed name, cached for good."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from kindred.modules import module_graph

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
HASHED = re.compile(r"^/static/.+\.[0-9a-f]{12}\.[a-z]+$")
MODULE_URL = re.compile(
    r"""<(?:script type="module" src|link rel="modulepreload" href)="([^"]+)\"""", re.I
)
IMPORTED = re.compile(r"""^(?:import|export)\b(?:[^'";]*?\bfrom)?\s*['"]([^'"]+)['"];""", re.M)
# Modules loaded on demand (the message menu, the presence choices, the notices).
LAZY = re.compile(r"""\bimport\(\s*['"]([^'"]+)['"]\s*\)""")
YEAR = 365 * 24 * 3600
STATIC_NEEDLESS = (
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Access-Control-Allow-Origin",
    "ETag",
    "Last-Modified",
)


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """collectstatic as a deploy runs it, into a folder of this test's own."""
    root = tmp_path_factory.mktemp("staticfiles")
    production = {
        "STATIC_ROOT": root,
        "STORAGES": {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "kindred.storage.HashedStaticFiles"},
        },
        "WHITENOISE_USE_FINDERS": False,
        "WHITENOISE_AUTOREFRESH": False,
    }
    with override_settings(**production):
        call_command("collectstatic", "--noinput", verbosity=0)
        yield root


def fetch(client: Client, url: str, encoding: str = "br, gzip"):
    response = client.get(url, HTTP_ACCEPT_ENCODING=encoding)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def test_every_module_of_the_room_page_resolves_to_a_cached_hashed_file(
    collected, rooms, member_client
):
    with override_settings(
        STATIC_ROOT=collected,
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "kindred.storage.HashedStaticFiles"},
        },
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
    ):
        client = Client()  # a new handler, so WhiteNoise scans the collected files
        client.cookies = member_client.cookies
        page = client.get("/rooms/newcomers/")
        assert page.status_code == 200
        html = page.content.decode()
        preloaded = MODULE_URL.findall(html)
        assert preloaded
        # The stylesheet is in the page, allowed by its hash and nothing looser.
        assert '<link rel="stylesheet"' not in html
        style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
        digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
        policy = page.headers["Content-Security-Policy"]
        assert f"style-src 'self' 'sha256-{digest}';" in policy
        assert "unsafe-inline" not in policy
        assert page.headers["Referrer-Policy"] == "same-origin"  # pages keep theirs

        # Every module the page loads at once was preloaded: one round trip after the
        # HTML. The page's own entry and the one every page loads (app.js, the service
        # worker's registration), each with what it imports.
        eager, lazy = _walk(client, preloaded)
        assert eager == set(preloaded)
        entries = ("kindred/room.js", "kindred/app.js")
        assert len(eager) == len({*entries, *(m for e in entries for m in module_graph(e))})
        # What loads on demand (the message menu, presence choices, notices) is hashed
        # and cached for good too, with everything it imports.
        assert lazy and not lazy & eager
        _walk(client, sorted(lazy))


def _walk(client: Client, roots: list[str]) -> tuple[set[str], set[str]]:
    """The modules *roots* import statically (checked: hashed, cached for good, brotli),
    and the ones they import on demand (``import("…")``), not followed."""
    todo, seen, lazy = list(roots), set(), set()
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        assert HASHED.match(url), f"{url} has no content hash"
        plain, body = fetch(client, url, encoding="identity")
        assert plain.status_code == 200, url
        control = plain.headers["Cache-Control"]
        assert "immutable" in control, (url, control)
        assert int(re.search(r"max-age=(\d+)", control).group(1)) >= YEAR
        # Only the header lines a module needs: each is paid for on some 25 files.
        assert plain.headers["X-Content-Type-Options"] == "nosniff"
        for needless in STATIC_NEEDLESS:
            assert needless not in plain.headers, (url, needless)
        squeezed, _ = fetch(client, url)
        assert squeezed.headers.get("Content-Encoding") == "br", url
        base = url.rsplit("/", 1)[0]
        todo.extend(os.path.normpath(f"{base}/{spec}") for spec in IMPORTED.findall(body.decode()))
        lazy.update(os.path.normpath(f"{base}/{spec}") for spec in LAZY.findall(body.decode()))
    return seen, lazy - seen


def _production_settings(**env: str) -> list[str]:
    script = (
        "import django, os\n"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'kindred.settings'\n"
        "django.setup()\n"
        "from django.conf import settings as s\n"
        "print(s.SECURE_SSL_REDIRECT, s.WHITENOISE_USE_FINDERS,"
        " s.STORAGES['staticfiles']['BACKEND'])\n"
    )
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "SECURE_COOKIES", "SECURE_SSL_REDIRECT"}
    }
    clean.update(DEBUG="0", SECRET_KEY="z" * 50, ALLOWED_HOSTS="kindred.example", **env)
    result = subprocess.run(
        [sys.executable, "-c", script], env=clean, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_production_serves_only_collected_files_and_redirects_plain_http():
    assert _production_settings() == ["True", "False", "kindred.storage.HashedStaticFiles"]
    # A production build tried over plain HTTP locally: no redirect loop.
    assert _production_settings(SECURE_COOKIES="0")[0] == "False"
    assert _production_settings(SECURE_SSL_REDIRECT="0")[0] == "False"


def test_deploys_run_collectstatic():
    assert "collectstatic --noinput" in (ROOT / "Procfile").read_text()
    assert "collectstatic --noinput" in (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^run: .*\bcollectstatic\b", makefile, re.M)
