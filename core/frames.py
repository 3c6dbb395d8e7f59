"""Typed WebSocket frames: one small class per client frame type.

Each class rejects unknown fields and wrong types, so a frame either parses
into exactly what the protocol says or is answered with ``bad_frame``. Apps
declare their frame classes and build a :class:`FrameParser` for each socket.
See docs/protocol.md, which documents these classes field by field.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any, ClassVar, get_args

from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from core.errors import BadFrame
from core.protocol import REF_MAX_LENGTH

#: Ids travel as JSON numbers; above this they are not exact in JavaScript.
MAX_ID = 2**53 - 1

Id = Annotated[int, Field(ge=0, le=MAX_ID)]

#: A client's request id, echoed in the answer (docs/protocol.md, "Request ids").
Ref = Annotated[str, Field(min_length=1, max_length=REF_MAX_LENGTH)]


class ClientFrame(BaseModel):
    """A client frame: a subclass names its type once, as ``type: Literal["name"]``,
    and gets ``frame_type`` from it. A subclass without that Literal is a shared
    base of several frames (the fields they share, in their wire order)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)
    type: str
    # Absent means None (defaults are not validated), but an explicit null is
    # refused like any other non-string.
    ref: Ref = None  # type: ignore[assignment]
    frame_type: ClassVar[str]

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        names = get_args(cls.model_fields["type"].annotation)
        if len(names) == 1:
            cls.frame_type = names[0]


def _valid_ref(data: dict[str, Any]) -> str | None:
    ref = data.get("ref")
    if isinstance(ref, str) and 1 <= len(ref) <= REF_MAX_LENGTH and "\x00" not in ref:
        return ref
    return None


class FrameParser:
    """Parses a text frame into one of the given frame classes."""

    def __init__(self, *classes: type[ClientFrame]) -> None:
        self.by_type = {cls.frame_type: cls for cls in classes}
        self.adapters = {name: TypeAdapter(cls) for name, cls in self.by_type.items()}

    def parse(self, text: str) -> ClientFrame:
        try:
            data = json.loads(text)
        except RecursionError:
            raise BadFrame(_("The frame is nested too deeply.")) from None
        except ValueError:
            raise BadFrame(_("The frame is not valid JSON.")) from None
        return self.parse_object(data)

    def parse_object(self, data: Any) -> ClientFrame:
        if not isinstance(data, dict):
            raise BadFrame(_("A frame must be a JSON object."))
        try:
            return self._validate(data)
        except BadFrame as exc:
            # Refused, but its ref (when valid) still says which request this answers.
            exc.ref = _valid_ref(data)
            raise

    def _validate(self, data: dict[str, Any]) -> ClientFrame:
        kind = data.get("type")
        if not isinstance(kind, str):
            raise BadFrame(_("A frame needs a string 'type'."))
        adapter = self.adapters.get(kind)
        if adapter is None:
            raise BadFrame(f"Unknown frame type {kind[:40]!r} on this socket.")
        # PostgreSQL can't store NUL, and no client has a reason to send one. A
        # message body may hold it: the sanitiser removes it with the other controls.
        for name, value in data.items():
            if name != "body" and isinstance(value, str) and "\x00" in value:
                raise BadFrame(f"{name[:40]!r}: text can't contain NUL characters.")
        try:
            return adapter.validate_python(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first.get("loc", ())) or "frame"
            raise BadFrame(f"{where}: {first.get('msg', 'invalid')}") from None
        except RecursionError:
            raise BadFrame(_("The frame is nested too deeply.")) from None


def timestamp(moment: Any) -> str:
    """A time as frames carry it: ISO 8601 in UTC, ending in ``Z``."""
    return moment.isoformat().replace("+00:00", "Z")


#: Called with every server frame before it is encoded or published: None in
#: production; the test suite checks each frame against core.server_frames.
frame_check: Callable[[dict[str, Any]], None] | None = None


def check_frame(frame: dict[str, Any]) -> None:
    if frame_check is not None:
        frame_check(frame)


def encode(frame: dict[str, Any]) -> str:
    """Server frames are encoded once, compactly."""
    if frame_check is not None:
        frame_check(frame)
    return json.dumps(frame, separators=(",", ":"), ensure_ascii=False)
