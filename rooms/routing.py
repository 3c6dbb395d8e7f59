from django.urls import re_path

from rooms.consumers import ChatConsumer, RoomConsumer

websocket_urlpatterns = [
    re_path(r"^ws/rooms/(?P<slug>[-a-z0-9]{1,64})/$", RoomConsumer.as_asgi()),
    re_path(r"^ws/chats/(?P<chat_id>[0-9]{1,15})/$", ChatConsumer.as_asgi()),
]
