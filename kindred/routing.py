"""All WebSocket routes: each app declares its own; unknown paths close with 4404."""

from __future__ import annotations

from django.urls import re_path

from moderation.routing import websocket_urlpatterns as moderation_routes
from realtime.sockets import NotFoundConsumer
from rooms.routing import websocket_urlpatterns as rooms_routes

websocket_urlpatterns = [
    *rooms_routes,
    *moderation_routes,
    re_path(r"", NotFoundConsumer.as_asgi()),
]
