"""Routes are declared on their views (core/routes.py). A route declared below
another decorator would serve the view without that decorator, and a table an
app's urls.py forgets would serve nothing: both fail here."""

from __future__ import annotations

import importlib
import types
from pathlib import Path

from django.urls import URLResolver, get_resolver
from django.views.decorators.http import require_GET

from core.routes import Routes

ROOT = Path(__file__).resolve().parent.parent
APPS = ("community", "rooms", "moderation", "leadership", "recovery", "meetings")


def _route_tables() -> list[types.ModuleType]:
    return [
        importlib.import_module(f"{path.parent.name}.{path.stem}")
        for app in APPS
        for path in sorted((ROOT / app).glob("*.py"))
        if "routes = Routes()" in path.read_text(encoding="utf-8")
    ]


def _served(patterns=None) -> set[int]:
    found: set[int] = set()
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            found |= _served(entry.url_patterns)
        else:
            found.add(id(entry))
    return found


def _wraps(outer, inner) -> bool:
    while outer is not None:
        if outer is inner:
            return True
        outer = getattr(outer, "__wrapped__", None)
    return False


def misplaced(module: types.ModuleType) -> list[str]:
    """The module's views that another decorator wraps after their route was declared."""
    found = []
    for pattern in module.routes:
        view = pattern.callback
        outer = getattr(module, view.__name__, None)
        if outer is not view and _wraps(outer, view):
            found.append(f"{module.__name__}.{view.__name__}")
    return found


def test_every_route_table_is_served():
    tables = _route_tables()
    assert len(tables) >= 15
    served = _served()
    unserved = [
        f"{module.__name__}: {pattern.name}"
        for module in tables
        for pattern in module.routes
        if id(pattern) not in served
    ]
    assert unserved == []


def test_every_route_is_declared_on_top_of_its_views_decorators():
    assert [name for module in _route_tables() for name in misplaced(module)] == []


def test_the_check_sees_a_route_declared_below_another_decorator():
    module = types.ModuleType("example")
    module.routes = Routes()

    @require_GET
    @module.routes.path("example/", name="example")
    def page(request):
        raise AssertionError("not called")

    module.page = page
    assert misplaced(module) == ["example.page"]
