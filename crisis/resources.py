"""Crisis resources and the wording of the crisis card.

The phone numbers and the card wording live in ``data/resources.json`` so that
an admin can correct a number or add a country without a deploy, by pointing
the ``CRISIS_RESOURCES_PATH`` setting at an edited copy. As with the lexicon,
a malformed file is rejected with a :class:`ResourcesError` that says exactly
what is wrong, because a card with a broken number is worse than none.

File shape::

    {
      "version": "1",
      "default_country": "US",
      "aliases": {"UK": "GB"},
      "messages": {"suicide": "...", "self_harm": "...", "overdose": "...", "violence": "..."},
      "countries": {
        "US": {"emergency": {<resource>}, "lines": [{<resource>, "categories": [...]}]},
        "international": {...}          # used for any country not listed
      }
    }

A resource is ``{"name", "phone", "text", "url", "hours"}``; phone, text and
url may be null but not all three (the international emergency entry, which
cannot know the local number, is the one exception). ``phone`` is the number to
call, ``text`` what to text and where ("HOME to 741741"), ``url`` a website or
chat. ``categories`` (optional) limits a line to
some kinds of crisis, e.g. a domestic-abuse line only for ``violence``.
"""

from __future__ import annotations

import functools
import logging
import os
import re
from pathlib import Path

from .datafile import DATA_DIR, read_json_file, setting_path
from .lexicon import CATEGORIES

__all__ = [
    "DEFAULT_RESOURCES_PATH",
    "ResourcesError",
    "card_for",
    "load_resources",
    "unverified_entries",
]

logger = logging.getLogger(__name__)

DEFAULT_RESOURCES_PATH = DATA_DIR / "resources.json"
FALLBACK_KEY = "international"
_FIELDS = ("name", "phone", "text", "url", "hours")
#: Where an entry came from and when a person last checked it there (or null).
_PROVENANCE = ("verified", "source")
#: A line that is not a crisis line (SAMHSA: treatment referral and information)
#: says so with ``"kind": "referral"`` and comes after emergency services.
_KINDS = ("crisis", "referral")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: What the card says about a human from the community, by live state.
FOLLOWUPS = ("alerted", "later")


class ResourcesError(ValueError):
    """The resources file is missing, not valid JSON, or malformed."""


def _check_resource(entry, where: str, *, allow_categories: bool, need_contact: bool) -> dict:
    if not isinstance(entry, dict):
        raise ResourcesError(f"{where}: must be an object")
    allowed = (
        set(_FIELDS)
        | set(_PROVENANCE)
        | ({"categories", "kind", "languages"} if allow_categories else set())
    )
    unknown = set(entry) - allowed
    if unknown:
        raise ResourcesError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    _check_provenance(entry, where)
    if entry.get("kind", "crisis") not in _KINDS:
        raise ResourcesError(f"{where}: 'kind' must be one of {', '.join(_KINDS)}")
    for field in ("name", "hours"):
        if not isinstance(entry.get(field), str) or not entry[field].strip():
            raise ResourcesError(f"{where}: '{field}' must be a non-empty string")
    for field in ("phone", "text", "url"):
        value = entry.get(field)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise ResourcesError(f"{where}: '{field}' must be a non-empty string or null")
    if need_contact and not any(entry.get(f) for f in ("phone", "text", "url")):
        raise ResourcesError(f"{where}: needs at least one of phone, text or url")
    url = entry.get("url")
    if url and not url.startswith(("https://", "http://")):
        raise ResourcesError(f"{where}: url must start with https:// or http://")
    languages = entry.get("languages")
    if languages is not None and (
        not isinstance(languages, list)
        or not languages
        or not all(isinstance(code, str) and code for code in languages)
    ):
        raise ResourcesError(f"{where}: 'languages' must be a non-empty list of language codes")
    categories = entry.get("categories")
    if categories is not None:
        if not isinstance(categories, list) or not categories:
            raise ResourcesError(f"{where}: 'categories' must be a non-empty list")
        for c in categories:
            if c not in CATEGORIES:
                raise ResourcesError(f"{where}: unknown category {c!r}")
    return entry


def _check_provenance(entry: dict, where: str) -> None:
    """Every entry says when a person checked it (a date, or null for never) and
    where (``source``): nothing in Kindred can verify a number, so the file must."""
    for field in _PROVENANCE:
        if field not in entry:
            raise ResourcesError(f"{where}: missing '{field}' (null if unknown)")
    verified = entry["verified"]
    if verified is not None and not (isinstance(verified, str) and _DATE.fullmatch(verified)):
        raise ResourcesError(f"{where}: 'verified' must be a YYYY-MM-DD date or null")
    source = entry["source"]
    if source is not None and not (isinstance(source, str) and source.startswith("http")):
        raise ResourcesError(f"{where}: 'source' must be an http(s) address or null")


def _check_followups(data: dict) -> None:
    followup = data.get("followup")
    if not isinstance(followup, dict) or set(followup) != set(FOLLOWUPS):
        raise ResourcesError(f"resources: 'followup' must have exactly {', '.join(FOLLOWUPS)}")
    for key, text in followup.items():
        if not isinstance(text, str) or not text.strip():
            raise ResourcesError(f"resources: followup {key!r} must be a non-empty string")


def _check_translations(translations) -> None:
    """``translations``: per language code, the card's words in that language, each
    optional (``messages`` by category, ``followup`` by state, ``names``: an entry's
    English name or hours to how that language says them). What is missing shows in
    the file's own words: a card in two languages is better than no card."""
    if not isinstance(translations, dict):
        raise ResourcesError("resources: 'translations' must be an object")
    for code, words in translations.items():
        where = f"resources: translations {code!r}"
        if not isinstance(words, dict) or set(words) - {"messages", "followup", "names"}:
            raise ResourcesError(f"{where}: only 'messages', 'followup' and 'names' are allowed")
        for part, known in (("messages", CATEGORIES), ("followup", FOLLOWUPS), ("names", None)):
            texts = words.get(part, {})
            if not isinstance(texts, dict):
                raise ResourcesError(f"{where}: {part!r} must be an object")
            for key, text in texts.items():
                if known is not None and key not in known:
                    raise ResourcesError(f"{where}: {part} has unknown key {key!r}")
                if not isinstance(text, str) or not text.strip():
                    raise ResourcesError(f"{where}: {part} {key!r} must be a non-empty string")


def _active_language() -> str | None:
    """The language Django is answering in ("es"), or None outside Django."""
    try:
        from django.utils.translation import get_language
    except ImportError:
        return None
    return get_language()


def _words(data: dict, language: str | None) -> dict:
    base = (language or "").split("-")[0]
    return data.get("translations", {}).get(base, {})


def translated_name(
    text: str, *, resources: dict | None = None, language: str | None = None
) -> str:
    """An entry's name or hours in *language* (default: the active one), if the
    resources file says it there; else as written."""
    try:
        data = resources if resources is not None else _active_resources()
    except ResourcesError:
        return text
    words = _words(data, language or _active_language())
    return words.get("names", {}).get(text, text)


def _for_language(lines: list[dict], language: str | None) -> list[dict]:
    """Lines for everyone, and those in *language* first (the 988 Lifeline's Spanish
    option); a line only for other languages is left out."""
    base = (language or "").split("-")[0]
    own = [line for line in lines if base in line.get("languages", ())]
    return own + [line for line in lines if "languages" not in line]


def unverified_entries(data: dict) -> list[tuple[str, str, str | None]]:
    """(country, name, source) of every entry no person has checked."""
    return [
        (code, entry["name"], entry.get("source"))
        for code, country in data["countries"].items()
        for entry in [country["emergency"], *country.get("lines", [])]
        if entry.get("verified") is None
    ]


def validate_resources(data) -> dict:
    """Check parsed resources JSON; return it unchanged or raise ResourcesError."""
    if not isinstance(data, dict):
        raise ResourcesError("resources: the top level must be an object")
    if not isinstance(data.get("version"), str | int) or data.get("version") in ("", None):
        raise ResourcesError("resources: missing top-level 'version'")

    messages = data.get("messages")
    if not isinstance(messages, dict):
        raise ResourcesError("resources: 'messages' must map each category to its card text")
    for category in CATEGORIES:
        text = messages.get(category)
        if not isinstance(text, str) or not text.strip():
            raise ResourcesError(f"resources: missing message for category {category!r}")
    for key in messages:
        if key not in CATEGORIES:
            raise ResourcesError(f"resources: message for unknown category {key!r}")

    _check_followups(data)
    _check_translations(data.get("translations", {}))
    countries = data.get("countries")
    if not isinstance(countries, dict) or FALLBACK_KEY not in countries:
        raise ResourcesError(f"resources: 'countries' must include an {FALLBACK_KEY!r} entry")
    for code, entry in countries.items():
        if code != FALLBACK_KEY and not (len(code) == 2 and code.isascii() and code.isupper()):
            raise ResourcesError(
                f"resources: country {code!r} is not an upper-case ISO 3166 alpha-2 code"
            )
        where = f"country {code}"
        if not isinstance(entry, dict):
            raise ResourcesError(f"{where}: must be an object")
        # The international entry cannot know the local emergency number, so
        # only there may the emergency entry be a name without contact details.
        _check_resource(
            entry.get("emergency"),
            f"{where} emergency",
            allow_categories=False,
            need_contact=code != FALLBACK_KEY,
        )
        lines = entry.get("lines", [])
        if not isinstance(lines, list):
            raise ResourcesError(f"{where}: 'lines' must be a list")
        for i, line in enumerate(lines):
            _check_resource(
                line, f"{where} line #{i + 1}", allow_categories=True, need_contact=True
            )
        if code == FALLBACK_KEY and not lines:
            raise ResourcesError(f"{where}: needs at least one line (e.g. a helpline directory)")

    aliases = data.get("aliases", {})
    if not isinstance(aliases, dict):
        raise ResourcesError("resources: 'aliases' must be an object")
    for alias, target in aliases.items():
        if target not in countries:
            raise ResourcesError(f"resources: alias {alias!r} points at unknown country {target!r}")

    default = data.get("default_country", "US")
    if default not in countries:
        raise ResourcesError(f"resources: default_country {default!r} is not listed")
    return data


@functools.lru_cache(maxsize=4)
def _load_cached(path: str, mtime_ns: int, size: int) -> dict:
    return validate_resources(read_json_file(path, "resources", ResourcesError))


def load_resources(path: str | os.PathLike[str] | None = None) -> dict:
    """Load and validate a resources file (cached per path and mtime).

    With no ``path``: ``settings.CRISIS_RESOURCES_PATH`` if set, else the
    shipped file.
    """
    if path is None:
        path = setting_path("CRISIS_RESOURCES_PATH") or DEFAULT_RESOURCES_PATH
    resolved = Path(path)
    try:
        st = os.stat(resolved)
    except OSError as exc:
        raise ResourcesError(f"cannot read resources {resolved}: {exc.strerror or exc}") from exc
    return _load_cached(str(resolved), st.st_mtime_ns, st.st_size)


_reported: set[str] = set()  # broken files already logged


def _active_resources() -> dict:
    """The configured resources, or the shipped ones if the configured file is
    broken: a bad edit must never stop the card from being shown."""
    path = setting_path("CRISIS_RESOURCES_PATH")
    if path is None or path == DEFAULT_RESOURCES_PATH:
        return load_resources(DEFAULT_RESOURCES_PATH)
    try:
        return load_resources(path)
    except ResourcesError as exc:
        if str(exc) not in _reported:
            _reported.add(str(exc))
            logger.error("Crisis resources %s are unusable, using the shipped ones: %s", path, exc)
        return load_resources(DEFAULT_RESOURCES_PATH)


def _public(entry: dict) -> dict:
    return {field: entry.get(field) for field in _FIELDS}


def _public_in(entry: dict, *, names: dict[str, str]) -> dict:
    """The card's fields of *entry*, its name and hours as *names* says them."""
    shown = _public(entry)
    shown["name"] = names.get(shown["name"], shown["name"])
    shown["hours"] = names.get(shown["hours"], shown["hours"])
    return shown


def card_for(
    category: str,
    country: str | None,
    *,
    resources: dict | None = None,
    urgent: bool = False,
    followup: str = "alerted",
    language: str | None = None,
) -> dict:
    """Build the crisis card for ``category`` shown to a member in ``country``.

    ``country`` is an ISO 3166 alpha-2 code; ``None`` means the default
    country (US), an unlisted code gets the international entry. ``resources``
    (parsed, validated JSON) overrides the configured file. Crisis lines
    come first and emergency services after them, except for an overdose and
    for a crisis with immediacy (*urgent*: a plan, a time, "right now"), where
    minutes matter and emergency services lead. Referral lines (not crisis
    lines) come last. *followup* says what a human from the community will do:
    ``"alerted"`` (someone on duty or on call was told) or ``"later"`` (nobody
    is available now; a facilitator checks in when one comes on). The words are in
    *language* (default: the one Django is answering in) where the file's
    ``translations`` has them.
    """
    if category not in CATEGORIES:
        raise ValueError(f"unknown crisis category {category!r}")
    if followup not in FOLLOWUPS:
        raise ValueError(f"unknown followup {followup!r}")
    data = resources if resources is not None else _active_resources()
    code, entry = _country_entry(data, country)
    lines = [
        line
        for line in entry.get("lines", [])
        if line.get("categories") is None or category in line["categories"]
    ]
    language = language or _active_language()
    words = _words(data, language)
    lines = _for_language(lines, language)
    public = functools.partial(_public_in, names=words.get("names", {}))
    crisis_lines = [public(line) for line in lines if line.get("kind", "crisis") == "crisis"]
    referrals = [public(line) for line in lines if line.get("kind") == "referral"]
    emergency = public(entry["emergency"])
    if category == "overdose" or urgent:
        ordered = [emergency, *crisis_lines, *referrals]
    else:
        ordered = [*crisis_lines, emergency, *referrals]
    return {
        "type": "crisis",
        "category": category,
        "country": code,
        "message": words.get("messages", {}).get(category, data["messages"][category]),
        "followup": followup,
        "followup_text": words.get("followup", {}).get(followup, data["followup"][followup]),
        "resources": ordered,
    }


def _country_entry(data: dict, country: str | None) -> tuple[str, dict]:
    """(the listed code or ``"international"``, its entry)."""
    countries = data["countries"]
    if country is None:
        code = data.get("default_country", "US")
    else:
        code = country.strip().upper()
        code = data.get("aliases", {}).get(code, code)
    if code not in countries:
        code = FALLBACK_KEY
    return code, countries[code]
