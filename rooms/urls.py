"""The rooms app's routes: pages, rooms, blocks, chats and the drop-in line."""

from django.urls import path

from rooms import chat_views, pages, views

urlpatterns = [
    path("", pages.home, name="home"),
    path("rooms/<slug:slug>/", pages.room, name="room"),
    path("chats/", pages.chats, name="chats"),
    path("chats/<int:chat_id>/", pages.chat, name="chat"),
    path("dropin/", pages.dropin, name="dropin"),
    path("api/presence/", pages.presence, name="api-presence"),
    path("api/presence/me/", views.my_status, name="api-my-status"),
    path("api/rooms/", views.room_list, name="api-rooms"),
    path("api/rooms/<slug:slug>/messages/", views.room_messages, name="api-room-messages"),
    path("api/messages/<int:message_id>/delete/", views.message_delete, name="api-message-delete"),
    path("api/blocks/", views.block, name="api-block"),
    path("api/blocks/remove/", views.unblock, name="api-unblock"),
    path("api/chats/", chat_views.chat_list, name="api-chats"),
    path("api/chats/<int:chat_id>/accept/", chat_views.chat_accept, name="api-chat-accept"),
    path("api/chats/<int:chat_id>/decline/", chat_views.chat_decline, name="api-chat-decline"),
    path("api/chats/<int:chat_id>/leave/", chat_views.chat_leave, name="api-chat-leave"),
    path("api/chats/<int:chat_id>/block/", chat_views.chat_block, name="api-chat-block"),
    path("api/dropin/", chat_views.dropin_line, name="api-dropin"),
    path("api/dropin/line/", chat_views.dropin_waiting, name="api-dropin-line"),
    path("api/dropin/<int:request_id>/accept/", chat_views.dropin_accept, name="api-dropin-accept"),
]
