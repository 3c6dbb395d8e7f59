"""Every place Kindred reaches into a library's private or undocumented internals.

One module per library, and nothing outside this package touches those
internals: ``daphne`` (the ASGI send callable, the access log), ``autobahn``
(a WebSocket protocol's state and close frames), ``twisted`` (a transport's
write buffer and socket, the reactor's shutdown), ``psycopg`` (server-side
prepared statements), ``django`` (wrapping a driver cursor, the connection
pool) and ``channels`` (a consumer's handler lookup).

Each module lists what it relies on in ``RELIES_ON``; tests/test_library_contracts.py
checks every entry against the installed library and names the library, its
version and the missing attribute when an upgrade takes one away. The versions
these were proven against are pinned in pyproject.toml.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reliance:
    """One thing a hook needs from a library.

    *owner* is a dotted path to a module or class; *name* is an attribute of it
    (``kind="attribute"``), an attribute its instances set in ``__init__`` or
    later (``kind="instance"``: looked for as ``self.<name> =`` in the source of
    the class and its bases), or a piece of its source text (``kind="source"``).
    """

    distribution: str
    owner: str
    name: str
    kind: str = "attribute"
    why: str = ""
