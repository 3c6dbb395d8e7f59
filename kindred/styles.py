"""``{% load styles %}{% inline_stylesheet "kindred/site.css" %}``: the stylesheet inside
the page, so the first paint waits for the HTML and nothing else.

A page may ask for its own cut of the file (``{% inline_stylesheet "kindred/site.css"
"room" %}``): the blocks of ``site.css`` marked for other pages (``/* @for dashboard */``
… ``/* @end */``) are left out of it, so a room doesn't carry the dashboard's rules on
every view. A page that names no cut gets every block. Comments are left out of what is
inlined (they explain the source, and cost bytes on every page view).

The Content-Security-Policy allows the page's ``<style>`` block by its SHA-256: the tag
notes it on the request and SecurityHeadersMiddleware puts it in ``style-src``
(``style_src_hashes()`` lists every cut, for answers rendered without a request); any
other inline style stays blocked. The file is read from the static sources (it has no
``url()``, so nothing in it depends on where it is served from); with DEBUG on an edit
shows on the next request, and its hash follows.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from functools import lru_cache

from django import template
from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# Each stylesheet that may be inlined, and the cuts of it pages ask for ("" is all of it).
INLINE_STYLESHEETS = {"kindred/site.css": ("", "room")}

COMMENT = re.compile(r"/\*.*?\*/", re.S)
# "/* @for dashboard */" (a block for the named pages) up to "/* @end */".
BLOCK = re.compile(r"/\*\s*@for\s+([\w -]+?)\s*\*/(.*?)/\*\s*@end\s*\*/", re.S)


def _cut(text: str, page: str) -> str:
    """*text* without the blocks marked for other pages than *page* ("" keeps them all),
    and without comments or blank lines."""
    if page:
        text = BLOCK.sub(lambda m: m.group(2) if page in m.group(1).split() else "", text)
    text = COMMENT.sub("", text)
    return "\n".join(line.rstrip() for line in text.splitlines() if line.strip()) + "\n"


@lru_cache(maxsize=8)
def _read(found: str, page: str, mtime: float) -> tuple[str, str]:
    with open(found, encoding="utf-8") as source:
        text = _cut(source.read(), page)
    if "</" in text:
        # A stylesheet that could close its own <style> element is not inlined.
        raise template.TemplateSyntaxError(f"{found} contains '</'")
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
    return text, f"'sha256-{digest}'"


def stylesheet(path: str, page: str = "") -> tuple[str, str]:
    """The text of the static stylesheet *path* (*page*'s cut of it) and its CSP
    source ('sha256-…')."""
    if page not in INLINE_STYLESHEETS.get(path, ()):
        raise template.TemplateSyntaxError(f"{path!r} {page!r} is not in INLINE_STYLESHEETS")
    found = finders.find(path)
    if not found:
        raise template.TemplateSyntaxError(f"no static stylesheet {path!r}")
    return _read(found, page, os.stat(found).st_mtime if settings.DEBUG else 0.0)


def style_src_hashes() -> list[str]:
    """The CSP sources of every stylesheet and cut that may be inlined."""
    cuts = ((path, page) for path, pages in INLINE_STYLESHEETS.items() for page in pages)
    return [stylesheet(path, page)[1] for path, page in cuts]


@register.simple_tag(takes_context=True)
def inline_stylesheet(context: template.Context, path: str, page: str = "") -> str:
    text, source = stylesheet(path, page)
    request = context.get("request")
    if request is not None:
        request.inline_style_sources = [*getattr(request, "inline_style_sources", []), source]
    # Our own file, not member text: it is checked above not to close the element.
    return format_html("<style>{}</style>", mark_safe(text))  # noqa: S308
