from django.urls import re_path

from moderation.consumers import ModerationConsumer

websocket_urlpatterns = [
    re_path(r"^ws/moderation/$", ModerationConsumer.as_asgi()),
]
