"""Routes declared on the views they lead to (docs/architecture.md, "Routes").

A view module keeps one table, ``routes = Routes()``, and states each view's
path, URL name and methods where the view is written::

    @routes.get("rooms/<slug:slug>/", name="room")
    def room(request, slug): ...

    routes.service("api/chats/<int:chat_id>/leave/", chats.chat_leave, name="api-chat-leave")

The route goes on top of a view's decorators, so that what it serves is the
finished view (``tests/test_routes.py`` checks). An app's ``urls.py`` only
lists its tables: ``urlpatterns = [*pages.routes, *views.routes]``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from core.http import service_view

View = Callable[..., Any]


class Routes:
    """One module's routes, in the order they are declared. Paths are whole
    (no prefix is added), so a path in docs/protocol.md is found as written."""

    def __init__(self) -> None:
        self._patterns: list[URLPattern] = []

    def path(
        self, route: str, *, name: str, methods: Sequence[str] | None = None
    ) -> Callable[[View], View]:
        """Serve the view below at *route* as *name*; with *methods*, any other
        method is answered 405 (``require_http_methods``)."""

        def declare(view: View) -> View:
            if methods is not None:
                view = require_http_methods(list(methods))(view)
            self._patterns.append(path(route, view, name=name))
            return view

        return declare

    def get(self, route: str, *, name: str) -> Callable[[View], View]:
        return self.path(route, name=name, methods=["GET"])

    def post(self, route: str, *, name: str) -> Callable[[View], View]:
        return self.path(route, name=name, methods=["POST"])

    def service(self, route: str, service: View, *, name: str, **options: Any) -> None:
        """Serve ``core.http.service_view(service, **options)`` at *route*."""
        self.path(route, name=name)(service_view(service, **options))

    def __iter__(self) -> Iterator[URLPattern]:
        return iter(self._patterns)
