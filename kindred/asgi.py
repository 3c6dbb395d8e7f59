"""ASGI entry point: HTTP goes to Django, WebSockets through the Origin check and
session authentication to the routes each app declares."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kindred.settings")
django_asgi_app = get_asgi_application()


def _access_log_without_addresses() -> None:
    """daphne prints an access-log line per request and socket to stdout (unless
    started with ``-v 0``), beginning with the client's address and port; it is
    not a logging logger, so LOGGING can't silence it. Kindred logs handles,
    never addresses: keep the line, drop the address."""
    try:
        from daphne.access import AccessLogGenerator
    except ImportError:  # served by something else
        return
    write_entry = AccessLogGenerator.write_entry
    if getattr(write_entry, "without_address", False):
        return

    def without_address(self, host, date, request, status=None, length=None, *args, **kwargs):
        return write_entry(self, "-", date, request, status, length, *args, **kwargs)

    without_address.without_address = True  # type: ignore[attr-defined]
    AccessLogGenerator.write_entry = without_address  # type: ignore[method-assign]


_access_log_without_addresses()

# Imported after Django is set up: the routes import models.
from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from kindred.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)

# Everything loaded so far lives as long as the process (realtime.collector).
from realtime import collector  # noqa: E402

collector.freeze_long_lived(once_key="application")
