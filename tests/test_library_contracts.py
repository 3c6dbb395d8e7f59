"""What Kindred's private hooks need from daphne, autobahn, Twisted, psycopg,
Django and channels is still there in the installed versions.

Each hook module in realtime/hooks/ lists its needs in ``RELIES_ON``. An upgrade
that renames or removes one fails here, naming the library, its version and
the attribute, instead of as a slow socket or a dropped close code in production.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from importlib import metadata

import pytest

import realtime.hooks
from realtime.hooks import Reliance

HOOK_MODULES = [
    importlib.import_module(f"realtime.hooks.{info.name}")
    for info in pkgutil.iter_modules(realtime.hooks.__path__)
]
RELIANCES = [
    (module.__name__, reliance) for module in HOOK_MODULES for reliance in module.RELIES_ON
]


def _resolve(dotted: str) -> object:
    """A module, or a class inside one, by dotted path."""
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            target: object = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for name in parts[split:]:
            target = getattr(target, name)
        return target
    raise ImportError(dotted)


def _sources(owner: object) -> str:
    classes = owner.__mro__ if isinstance(owner, type) else (owner,)
    texts = []
    for cls in classes:
        try:
            texts.append(inspect.getsource(cls))
        except (OSError, TypeError):  # builtins, C extensions
            continue
    return "\n".join(texts)


def _present(reliance: Reliance) -> bool:
    owner = _resolve(reliance.owner)
    if reliance.kind == "attribute":
        return hasattr(owner, reliance.name)
    source = _sources(owner)
    if reliance.kind == "instance":
        return re.search(rf"self\.{re.escape(reliance.name)}\s*(:[^=]*)?=", source) is not None
    if reliance.kind == "source":
        return reliance.name in source
    raise ValueError(f"unknown kind {reliance.kind!r}")


@pytest.mark.parametrize(
    ("hook", "reliance"),
    RELIANCES,
    ids=[f"{r.distribution}:{r.owner.rsplit('.', 1)[-1]}.{r.name}" for _, r in RELIANCES],
)
def test_each_private_attribute_a_hook_uses_is_still_there(hook, reliance):
    version = metadata.version(reliance.distribution)
    try:
        present = _present(reliance)
    except (ImportError, AttributeError) as exc:
        pytest.fail(
            f"{reliance.distribution} {version}: {reliance.owner} is gone ({exc}); "
            f"{hook} needs it for: {reliance.why}"
        )
    assert present, (
        f"{reliance.distribution} {version}: {reliance.owner} has no {reliance.kind} "
        f"{reliance.name!r} any more; {hook} needs it for: {reliance.why}"
    )


def test_every_hooked_library_is_pinned_to_the_release_the_hooks_were_proven_against():
    """A pin that allows a new minor or major release would let an upgrade in
    unchecked: each hooked library's requirement is ``~=`` or ``==``."""
    requirements = metadata.requires("kindred") or []
    hooked = {reliance.distribution.lower() for _, reliance in RELIANCES}
    pins = {}
    for requirement in requirements:
        match = re.match(r"([A-Za-z0-9_.-]+)(\[[^\]]*\])?\s*(.*)", requirement)
        assert match is not None
        pins[match.group(1).lower()] = match.group(3)
    for name in sorted(hooked):
        assert name in pins, f"{name} is hooked privately but not a declared dependency"
        assert pins[name].startswith(("~=", "==")), f"{name} is not pinned: {pins[name]!r}"


def test_the_checks_fail_for_an_attribute_that_does_not_exist():
    """The contract test itself can fail (each kind of check)."""
    owner = "autobahn.websocket.protocol.WebSocketProtocol"
    assert not _present(Reliance("autobahn", owner, "noSuchMethod"))
    assert not _present(Reliance("autobahn", owner, "no_such_field", kind="instance"))
    assert not _present(Reliance("daphne", "daphne.server.Server", "no such text", kind="source"))
    with pytest.raises(ImportError):
        _present(Reliance("daphne", "daphne_is_not_here.Server", "x"))


def test_daphne_builds_sockets_that_read_autobahn_options_from_their_class():
    """realtime.hooks.autobahn.share_factory_options: no per-socket copies, same values,
    and a changed option reaches the next socket."""
    from daphne.ws_protocol import WebSocketFactory

    from realtime.hooks.autobahn import share_factory_options

    share_factory_options(WebSocketFactory)
    factory = WebSocketFactory(object(), server="kindred-test")
    factory.setProtocolOptions(autoPingInterval=60, maxMessagePayloadSize=65536)
    protocol = factory.buildProtocol(None)
    names = type(protocol).CONFIG_ATTRS
    assert not set(names) & set(vars(protocol))
    assert [getattr(protocol, n) for n in names] == [getattr(factory, n) for n in names]
    assert type(protocol).__name__ == "WebSocketProtocol"
    factory.setProtocolOptions(autoPingInterval=30)
    assert factory.buildProtocol(None).autoPingInterval == 30
    assert protocol.autoPingInterval == 60


def test_autobahn_debug_text_is_made_only_when_written():
    import pprint

    from autobahn.websocket import protocol

    from realtime.hooks.autobahn import format_debug_lines_lazily

    format_debug_lines_lazily()
    value = [("logFrames", False, "WebSocketFactory")] * 3
    assert f"{protocol.pformat(value)}" == pprint.pformat(value)  # as txaio formats it
    timings = protocol.Timings()
    timings.track("x")
    assert str(timings) == pprint.pformat(timings._timings)
