"""The rooms app's routes: pages, rooms, blocks, chats and the drop-in line."""

from django.urls import include, path

from rooms import chat_views, pages, views

chat_api = [
    path("accept/", chat_views.chat_accept, name="api-chat-accept"),
    path("decline/", chat_views.chat_decline, name="api-chat-decline"),
    path("leave/", chat_views.chat_leave, name="api-chat-leave"),
    path("block/", chat_views.chat_block, name="api-chat-block"),
]
dropin_api = [
    path("", chat_views.dropin_line, name="api-dropin"),
    path("line/", chat_views.dropin_waiting, name="api-dropin-line"),
    path("<int:request_id>/accept/", chat_views.dropin_accept, name="api-dropin-accept"),
]
api = [
    path("presence/", pages.presence, name="api-presence"),
    path("presence/me/", views.my_status, name="api-my-status"),
    path("rooms/", views.room_list, name="api-rooms"),
    path("rooms/<slug:slug>/messages/", views.room_messages, name="api-room-messages"),
    path("messages/<int:message_id>/delete/", views.message_delete, name="api-message-delete"),
    path(
        "messages/<int:message_id>/reactions/",
        views.message_reactions,
        name="api-message-reactions",
    ),
    path("blocks/", views.block, name="api-block"),
    path("blocks/remove/", views.unblock, name="api-unblock"),
    path("chats/", chat_views.chat_list, name="api-chats"),
    path("chats/<int:chat_id>/", include(chat_api)),
    path("dropin/", include(dropin_api)),
]

urlpatterns = [
    path("", pages.home, name="home"),
    path("start/", pages.start, name="start"),
    path("rooms/<slug:slug>/", pages.room, name="room"),
    path("chats/", pages.chats, name="chats"),
    path("chats/<int:chat_id>/", pages.chat, name="chat"),
    path("dropin/", pages.dropin, name="dropin"),
    path("api/", include(api)),
]
