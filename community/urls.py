"""The members app's routes: each is declared on its view (core/routes.py)."""

from community import account_views, inbox_views, language_views, pages, views

urlpatterns = [
    *pages.routes,
    *views.routes,
    *account_views.routes,
    *inbox_views.routes,
    *language_views.routes,
]
