"""The inbox's HTTP endpoints (docs/protocol.md, "Inbox")."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from community import inbox
from core.errors import BadInput
from core.http import json_body, json_errors, service_response
from core.routes import Routes

routes = Routes()


def _before(request: HttpRequest) -> int | None:
    raw = request.GET.get("before")
    if raw is None:
        return None
    if not raw.isdigit() or len(raw) > 16:
        raise BadInput(_("'before' must be an item id."), code="bad_field")
    return int(raw)


@routes.get("api/inbox/", name="api-inbox")
@json_errors
def inbox_list(request: HttpRequest) -> HttpResponse:
    """GET: the member's inbox, newest first; ``?before=<id>`` for older items."""
    before = _before(request)
    return service_response(request, lambda me: inbox.inbox_list(member_id=me, before=before))


@routes.post("api/inbox/read/", name="api-inbox-read")
@json_errors
def inbox_read(request: HttpRequest) -> HttpResponse:
    """POST ``{"ids": [..]}`` or ``{"all": true}``: mark items read."""
    data = json_body(request)
    ids, everything = data.get("ids"), data.get("all") is True
    if ids is not None and not isinstance(ids, list):
        raise BadInput(_("'ids' must be a list of item ids."), code="bad_field")
    return service_response(
        request, lambda me: inbox.inbox_read(member_id=me, ids=ids, all=everything)
    )
