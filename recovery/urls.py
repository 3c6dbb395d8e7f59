"""Recovery's routes: each is declared on its view (core/routes.py)."""

from recovery import pages, views

urlpatterns = [*pages.routes, *views.routes]
