from django.urls import re_path

from rooms.consumers import RoomConsumer

websocket_urlpatterns = [
    re_path(r"^ws/rooms/(?P<slug>[-a-z0-9]{1,64})/$", RoomConsumer.as_asgi()),
]
