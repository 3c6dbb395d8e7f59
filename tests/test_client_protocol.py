"""The browser client's protocol constants agree with the server's (core/protocol.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from core import protocol

PROTOCOL_JS = Path(__file__).resolve().parent.parent / "static" / "kindred" / "protocol.js"


def client_constants() -> dict:
    source = PROTOCOL_JS.read_text(encoding="utf-8")
    found = re.search(
        r"// protocol:begin\s*const SPEC = (\{.*?\});\s*// protocol:end", source, re.DOTALL
    )
    assert found, "static/kindred/protocol.js lost its protocol:begin/end block"
    return json.loads(found.group(1))


def test_client_constants_match_the_server():
    assert client_constants() == json.loads(json.dumps(protocol.as_json()))


def test_a_drifted_close_code_is_noticed():
    drifted = client_constants()
    drifted["close"]["KICKED"] = 4002
    assert drifted != json.loads(json.dumps(protocol.as_json()))
