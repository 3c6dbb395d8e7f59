"""The leadership app's routes: each is declared on its view (core/routes.py)."""

from leadership import care_pages, pages, review_pages, views

urlpatterns = [*pages.routes, *care_pages.routes, *review_pages.routes, *views.routes]
