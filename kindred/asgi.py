"""ASGI entry point: HTTP goes to Django, WebSockets through the Origin check and
session authentication (realtime.session_auth) to the routes each app declares."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kindred.settings")
django_asgi_app = get_asgi_application()

# Kindred logs handles, never addresses: daphne's access log loses the client's.
from realtime.hooks.daphne import access_log_without_addresses  # noqa: E402

access_log_without_addresses()

# Less memory and CPU per socket in autobahn (docs/performance.md, "Idle memory").
from realtime.hooks.autobahn import lighter_connections  # noqa: E402

lighter_connections()

# Slowloris: the first request's headers must arrive within HTTP_HEADER_TIMEOUT_SECONDS.
from django.conf import settings  # noqa: E402

from realtime.hooks.twisted import limit_header_time  # noqa: E402

limit_header_time(lambda: settings.HTTP_HEADER_TIMEOUT_SECONDS)

# Imported after Django is set up: the routes import models.
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from kindred.routing import websocket_urlpatterns  # noqa: E402
from realtime.origin import SameOriginOnly  # noqa: E402
from realtime.session_auth import SessionAuth  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Foreign origins are refused first, touching neither Redis nor the database.
        "websocket": SameOriginOnly(SessionAuth(URLRouter(websocket_urlpatterns))),
    }
)

# The heartbeat's duties (crisis escalation, pages, check-ins) start with the
# server, not with the first socket.
from realtime.hub import start_with_server  # noqa: E402

start_with_server()

# Everything loaded so far lives as long as the process (realtime.collector).
from realtime import collector  # noqa: E402

collector.freeze_long_lived(once_key="application")
