"""The installable app's one route outside /static/: the service worker at /sw.js.

A service worker controls only pages under its own path, so it is served from
the root (static/kindred/sw.js, read once). It caches only static files and
never a page or an API answer (the file says how).
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET


@functools.cache
def _source() -> bytes:
    return (settings.BASE_DIR / "static" / "kindred" / "sw.js").read_bytes()


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(_source(), content_type="text/javascript; charset=utf-8")
    # Browsers check for a new worker on navigation; never let a cache pin an old one.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response
