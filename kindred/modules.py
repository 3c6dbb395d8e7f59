"""``{% load modules %}{% module_preloads "kindred/room.js" %}``: a
``<link rel="modulepreload">`` for every module a page entry imports, directly or
not, so the browser fetches the whole graph in one round after the HTML instead
of discovering it one import at a time (page → room.js → mount.js → …).

The graph is read from the source files (the same imports collectstatic rewrites),
and each link goes through ``static()``, so with DEBUG off it names the hashed file
the rewritten imports ask for and the preload is the one fetch the import uses.
"""

from __future__ import annotations

import posixpath
import re
from functools import cache

from django import template
from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join

register = template.Library()

# Static imports and re-exports with a relative path: the only kind static/ uses.
IMPORT = re.compile(
    r"""^\s*(?:import|export)\b(?:[^'";]*?\bfrom)?\s*['"](\.{1,2}/[^'"]+)['"]\s*;""", re.M
)


def _imports_of(path: str) -> list[str]:
    found = finders.find(path)
    if not found:
        raise template.TemplateSyntaxError(f"no static module {path!r}")
    with open(found, encoding="utf-8") as source:
        text = source.read()
    base = posixpath.dirname(path)
    return [posixpath.normpath(posixpath.join(base, spec)) for spec in IMPORT.findall(text)]


def module_graph(entry: str) -> list[str]:
    """Every module *entry* imports, directly or not, in first-seen order (not *entry*)."""
    seen: dict[str, None] = {}
    todo = [entry]
    while todo:
        for dependency in _imports_of(todo.pop(0)):
            if dependency != entry and dependency not in seen:
                seen[dependency] = None
                todo.append(dependency)
    return list(seen)


_cached_graph = cache(module_graph)


@register.simple_tag
def module_preloads(entry: str) -> str:
    graph = module_graph(entry) if settings.DEBUG else _cached_graph(entry)
    return format_html_join(
        "\n  ", '<link rel="modulepreload" href="{}">', ((static(p),) for p in [entry, *graph])
    )


@register.simple_tag
def page_modules(entry: str) -> str:
    """The page's entry module and the preloads of its whole graph, held in an inert
    ``<template data-page-modules>`` that app.js puts into the document once the page
    has painted: the first paint waits for the HTML alone, and the modules still
    arrive in one round after it (preloads, so no request chain deeper than two)."""
    return format_html(
        '<template data-page-modules>\n  {}\n  <script type="module" src="{}"></script>\n'
        "</template>",
        module_preloads(entry),
        static(entry),
    )
