"""Reading settings from the environment: the helpers every settings module uses."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

#: The repository root (templates/, static/, the SQLite file).
BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _env_number(name: str, default: float, parse: type, what: str):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return parse(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be {what}, got {value!r}") from exc


def env_float(name: str, default: float) -> float:
    return _env_number(name, default, float, "a number")


def env_int(name: str, default: int) -> int:
    return _env_number(name, default, int, "a whole number")


def _env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _env_strings(name: str, default: list[str]) -> list[str]:
    return env_list(name, ",".join(default))


#: How each annotation of a settings module is read (the annotations are strings:
#: the modules use ``from __future__ import annotations``).
_READERS = {
    "int": env_int,
    "float": env_float,
    "bool": env_bool,
    "str": _env_str,
    "list[str]": _env_strings,
}


def override_from_environment(namespace: dict[str, Any]) -> None:
    """Read each setting *namespace* (a settings module's ``globals()``) declares as
    ``NAME: type = default`` from the environment variable ``NAME``, as its type
    says; the default stays where the variable is unset (or, for numbers and
    flags, blank). So each setting's name is written once, and a misspelt
    variable can't silently fail to override it."""
    for name, kind in namespace.get("__annotations__", {}).items():
        reader = _READERS.get(kind)
        if reader is None:
            raise ImproperlyConfigured(f"{name}: settings can't be read as {kind!r}")
        namespace[name] = reader(name, namespace[name])
