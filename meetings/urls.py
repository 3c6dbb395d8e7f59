"""The meetings app's routes: each is declared on its view (core/routes.py)."""

from meetings import pages, views

urlpatterns = [*pages.routes, *views.routes]
