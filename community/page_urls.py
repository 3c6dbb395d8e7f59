"""Routes of the server-rendered pages (the web app)."""

from django.urls import path

from community import pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("join/", pages.join, name="join"),
    path("rooms/<slug:slug>/", pages.room, name="room"),
    path("resources/", pages.resources, name="resources"),
    path("chats/", pages.chats, name="chats"),
    path("chats/<int:chat_id>/", pages.chat, name="chat"),
    path("dropin/", pages.dropin, name="dropin"),
    path("facilitators/", pages.dashboard, name="dashboard"),
]
