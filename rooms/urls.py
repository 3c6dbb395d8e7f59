"""The rooms app's routes: each is declared on its view (core/routes.py)."""

from rooms import chat_views, pages, views

urlpatterns = [*pages.routes, *views.routes, *chat_views.routes]
