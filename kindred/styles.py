"""``{% load styles %}{% inline_stylesheet "kindred/site.css" %}``: the whole
stylesheet inside the page, so the first paint waits for the HTML and nothing else.

The Content-Security-Policy allows that one ``<style>`` block by its SHA-256
(``style_src_hashes()``, added to ``style-src`` by SecurityHeadersMiddleware); any
other inline style stays blocked. The file is read from the static sources (it has
no ``url()``, so nothing in it depends on where it is served from); with DEBUG on
an edit shows on the next request, and its hash follows.
"""

from __future__ import annotations

import base64
import hashlib
import os
from functools import lru_cache

from django import template
from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

INLINE_STYLESHEETS = ("kindred/site.css",)


@lru_cache(maxsize=8)
def _read(found: str, mtime: float) -> tuple[str, str]:
    with open(found, encoding="utf-8") as source:
        text = source.read()
    if "</" in text:
        # A stylesheet that could close its own <style> element is not inlined.
        raise template.TemplateSyntaxError(f"{found} contains '</'")
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
    return text, f"'sha256-{digest}'"


def stylesheet(path: str) -> tuple[str, str]:
    """The text of the static stylesheet *path* and its CSP source ('sha256-…')."""
    found = finders.find(path)
    if not found:
        raise template.TemplateSyntaxError(f"no static stylesheet {path!r}")
    return _read(found, os.stat(found).st_mtime if settings.DEBUG else 0.0)


def style_src_hashes() -> list[str]:
    return [stylesheet(path)[1] for path in INLINE_STYLESHEETS]


@register.simple_tag
def inline_stylesheet(path: str) -> str:
    if path not in INLINE_STYLESHEETS:
        raise template.TemplateSyntaxError(f"{path!r} is not in INLINE_STYLESHEETS")
    # Our own file, not member text: it is checked above not to close the element.
    return format_html("<style>{}</style>", mark_safe(stylesheet(path)[0]))  # noqa: S308
