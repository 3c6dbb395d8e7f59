"""Routes of the server-rendered pages (the web app)."""

from django.urls import path

from community import pages

urlpatterns = [
    path("", pages.home, name="home"),
]
