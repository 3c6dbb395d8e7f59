"""The moderation app's routes: each is declared on its view (core/routes.py)."""

from moderation import pages, views

urlpatterns = [*pages.routes, *views.routes]
