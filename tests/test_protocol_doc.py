"""docs/protocol.md is the public contract: it must document every frame type
each socket accepts or sends and every close code in core/protocol.py, and
document no frame type the code doesn't have."""

from __future__ import annotations

import re
from pathlib import Path

from core import protocol
from core.server_frames import all_server_frames
from moderation.frames import MODERATION_FRAMES
from rooms.frames import CHAT_FRAMES

DOC = (Path(__file__).resolve().parent.parent / "docs" / "protocol.md").read_text()


def sections(prefix: str) -> str:
    """The text of every ``## <prefix>…`` section."""
    parts = re.split(r"^## ", DOC, flags=re.M)
    return "\n".join(part for part in parts if part.startswith(prefix))


def headed_types(text: str) -> set[str]:
    """Frame types named in ``### `a` / `b` (…)`` headings."""
    names: set[str] = set()
    for heading in re.findall(r"^### (.*)$", text, flags=re.M):
        names.update(re.findall(r"`([a-z_.]+)`", heading.split("(")[0]))
    return names


def test_every_client_frame_type_has_its_section_and_no_other():
    client_types = {cls.frame_type for cls in (*CHAT_FRAMES, *MODERATION_FRAMES)}
    documented = headed_types(sections("Client → server"))
    assert client_types - documented == set(), "client frames missing from docs/protocol.md"
    assert documented - client_types == set(), "docs/protocol.md documents client frames we lack"


def test_every_server_frame_type_has_its_section_and_no_other():
    server_types = set(all_server_frames())
    documented = headed_types(sections("Server → client"))
    assert server_types - documented == set(), "server frames missing from docs/protocol.md"
    assert documented - server_types == set(), "docs/protocol.md documents server frames we lack"


def test_every_close_code_is_in_the_close_code_table():
    table = {int(code) for code in re.findall(r"^\| (\d{4}) \|", DOC, flags=re.M)}
    assert set(protocol.CLOSE_CODES.values()) - table == set()


def test_the_request_id_limit_is_the_documented_one():
    request_ids = sections("Request ids")
    assert "REF_MAX_LENGTH" in request_ids
    assert f"1 to {protocol.REF_MAX_LENGTH} characters" in request_ids
