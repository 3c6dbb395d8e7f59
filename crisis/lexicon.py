"""Loading, validating and compiling the crisis lexicon (a JSON file).

The lexicon is data, not code, so that facilitators can add a phrase without a
deploy: they edit a copy, test it with ``manage.py crisis_scan --lexicon``, and
point ``CRISIS_LEXICON_PATH`` at it. Because a broken file would silently
switch off a safety feature, loading is strict: every problem is reported as a
:class:`LexiconError` that names the rule at fault.

Pattern dialect (documented for editors in docs/safety.md):

* Python regular expressions, written in lower case, matched against the
  normalised text (see :mod:`crisis.normalize`).
* Every pattern is anchored at word edges automatically.
* A plain space means "one optional space", so "kill myself" also matches
  "killmyself" (what "k i l l m y s e l f" becomes after normalisation).
* ``{name}`` inserts a shared fragment from ``"definitions"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from re import _constants as sre  # private, but stable across 3.11-3.13
from re import _parser as sre_parse

from crisis.needles import REPEAT_OPS, Prefilter, build_prefilter

from .datafile import read_json_file
from .spelling import build_speller

__all__ = [
    "CATEGORIES",
    "CUE_KINDS",
    "PRIORITY",
    "CompiledRule",
    "Cue",
    "LexiconError",
    "Prefilter",
    "build_lexicon_parts",
]

CATEGORIES: tuple[str, ...] = ("suicide", "self_harm", "overdose", "violence")

# When one message matches several categories, the card for the most urgent one
# is shown: an overdose needs emergency services before anything else.
PRIORITY: tuple[str, ...] = ("overdose", "suicide", "self_harm", "violence")

_ID = re.compile(r"[a-z0-9][a-z0-9_.\-]*")
_REFERENCE = re.compile(r"(?<!\\)\{([a-z_][a-z0-9_]*)\}")


class LexiconError(ValueError):
    """The lexicon file is missing, not valid JSON, or contains a bad rule."""


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """One rule or exclusion after validation."""

    id: str
    category: str | None  # None for exclusions
    source: str  # the expanded regex, without the word-edge anchors
    regex: re.Pattern[str]  # anchored, compiled on its own (validation, examples)
    categories: frozenset[str] | None  # exclusions only: which categories it suppresses
    examples: tuple[str, ...]
    # rules only: context that must also appear somewhere in the message
    requires: re.Pattern[str] | None = None


# --- pattern preparation ------------------------------------------------------


def _optional_spaces(pattern: str) -> str:
    """Turn every literal space outside a character class into ``" ?"``.

    A space that already carries a quantifier (``"a +b"``) is left alone.
    """
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
        elif ch == "[":
            in_class = True
            # "[]" and "[^]" start a class whose first member is "]".
            j = i + 1
            if j < len(pattern) and pattern[j] == "^":
                j += 1
            if j < len(pattern) and pattern[j] == "]":
                out.append(pattern[i : j + 1])
                i = j + 1
                continue
        elif ch == " ":
            nxt = pattern[i + 1] if i + 1 < len(pattern) else ""
            if nxt not in "?*+{":
                out.append(" ?")
                i += 1
                continue
        out.append(ch)
        i += 1
    return "".join(out)


def _expand(pattern: str, definitions: dict[str, str], owner: str) -> str:
    """Substitute ``{name}`` fragments (which may themselves use fragments)."""
    for _ in range(8):
        missing = [n for n in _REFERENCE.findall(pattern) if n not in definitions]
        if missing:
            raise LexiconError(f"{owner}: unknown definition {{{missing[0]}}}")
        expanded = _REFERENCE.sub(lambda m: f"(?:{definitions[m.group(1)]})", pattern)
        if expanded == pattern:
            return pattern
        pattern = expanded
    raise LexiconError(f"{owner}: definitions nest too deeply (a fragment refers to itself?)")


def _anchor(source: str) -> str:
    return rf"(?<!\w)(?:{source})(?!\w)"


def _check_parsed(source: str, owner: str) -> sre_parse.SubPattern:
    """Parse ``source`` and reject constructs that break the combined regex."""
    try:
        parsed = sre_parse.parse(source)
    except re.error as exc:
        raise LexiconError(f"{owner}: invalid regular expression {source!r}: {exc}") from exc
    if parsed.state.groupdict:
        raise LexiconError(f"{owner}: named groups are not allowed; use (?:...) instead")

    def walk(seq) -> None:
        for op, av in seq:
            if op in (sre.GROUPREF, sre.GROUPREF_EXISTS):
                raise LexiconError(f"{owner}: back-references are not allowed")
            if op is sre.LITERAL and chr(av) != chr(av).lower():
                raise LexiconError(
                    f"{owner}: pattern {source!r} has upper-case letters; "
                    "text is lower-cased before matching, so write patterns in lower case"
                )
            if op is sre.IN:
                for iop, iav in av:
                    if iop is sre.LITERAL and chr(iav) != chr(iav).lower():
                        raise LexiconError(f"{owner}: character class has upper-case letters")
            for child in _children(op, av):
                walk(child)

    walk(parsed)
    return parsed


def _children(op, av) -> list:
    if op is sre.SUBPATTERN:
        return [av[3]]
    if op is sre.BRANCH:
        return list(av[1])
    if op in REPEAT_OPS:
        return [av[2]]
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return [av[1]]
    if op is sre.ATOMIC_GROUP:
        return [av]
    return []


# --- file validation -------------------------------------------------------------


def _patterns_of(entry: dict, owner: str) -> list[str]:
    if "patterns" in entry:
        patterns = entry["patterns"]
    elif "pattern" in entry:
        patterns = [entry["pattern"]]
    else:
        raise LexiconError(f"{owner}: has no 'patterns'")
    if not isinstance(patterns, list) or not patterns:
        raise LexiconError(f"{owner}: 'patterns' must be a non-empty list of strings")
    for p in patterns:
        if not isinstance(p, str) or not p.strip():
            raise LexiconError(f"{owner}: every pattern must be a non-empty string")
    return patterns


def _examples_of(entry: dict, owner: str) -> tuple[str, ...]:
    examples = entry.get("examples", [])
    if not isinstance(examples, list) or not all(isinstance(e, str) for e in examples):
        raise LexiconError(f"{owner}: 'examples' must be a list of strings")
    return tuple(examples)


_RULE_FIELDS = {"id", "category", "patterns", "pattern", "examples", "note", "requires"}
_EXCLUSION_FIELDS = {"id", "categories", "patterns", "pattern", "examples", "note"}
_TOP_FIELDS = {"version", "description", "definitions", "rules", "exclusions", "spelling", "cues"}

# Cue kinds (see docs/safety.md, "Cues that cancel a match"):
#   negation  - a negator right before the match ("i'm not suicidal");
#   filler    - words allowed between a negator and the match ("never really want to");
#   past      - a time marker that puts the clause in the past ("years ago", "used to");
#   present   - a marker that brings it back to now ("again", "tonight") and
#               overrides ``past`` when it sits between the past marker and the match;
#   past_verb - what makes a matched phrase itself past tense, so a past marker
#               *after* it also counts ("i tried to kill myself years ago");
#   reported  - reported or quoted speech before the match in its clause
#               ("my counselor asked if i ever want to die", "the song goes").
CUE_KINDS = ("negation", "filler", "past", "present", "past_verb", "reported")
_CUE_FIELDS = {"id", "kind", "patterns", "pattern", "examples", "note"}


def _prepared(pattern: str, definitions, owner: str) -> str:
    """A pattern as the matcher runs it: definitions expanded, spaces optional."""
    source = _optional_spaces(_expand(pattern, definitions, owner))
    _check_parsed(source, owner)
    return source


def _categories_of(entry: dict, kind: str, owner: str):
    """(category, categories): a rule's one category, or what an exclusion suppresses."""
    if kind == "rule":
        category = entry.get("category")
        if category not in CATEGORIES:
            raise LexiconError(
                f"{owner}: unknown category {category!r} (expected one of {', '.join(CATEGORIES)})"
            )
        return category, None
    raw = entry.get("categories")
    if raw is None:
        return None, None
    if not isinstance(raw, list) or not raw:
        raise LexiconError(f"{owner}: 'categories' must be a non-empty list")
    for c in raw:
        if c not in CATEGORIES:
            raise LexiconError(f"{owner}: unknown category {c!r}")
    return None, frozenset(raw)


def _requires_of(entry: dict, definitions, owner: str) -> re.Pattern[str] | None:
    """A rule's ``requires``: patterns one of which must also be in the message."""
    if "requires" not in entry:
        return None
    raw = entry["requires"]
    if (
        not isinstance(raw, list)
        or not raw
        or not all(isinstance(p, str) and p.strip() for p in raw)
    ):
        raise LexiconError(f"{owner}: 'requires' must be a non-empty list of patterns")
    parts = [_prepared(pattern, definitions, owner) for pattern in raw]
    return re.compile(_anchor("|".join(f"(?:{p})" for p in parts)))


def _compile_entry(entry, index: int, kind: str, definitions, seen: set[str]):
    where = f"{kind} #{index + 1}"
    if not isinstance(entry, dict):
        raise LexiconError(f"{where}: must be an object")
    rule_id = entry.get("id")
    if not isinstance(rule_id, str) or not rule_id:
        raise LexiconError(f"{where}: missing 'id'")
    if not _ID.fullmatch(rule_id):
        raise LexiconError(
            f"{kind} {rule_id!r}: ids use lower-case letters, digits, '.', '_' and '-'"
        )
    owner = f"{kind} {rule_id!r}"
    # Unknown fields are usually typos ("exmaples", "categroy") that would
    # otherwise be silently ignored.
    unknown = set(entry) - (_RULE_FIELDS if kind == "rule" else _EXCLUSION_FIELDS)
    if unknown:
        raise LexiconError(f"{owner}: unknown field(s) {', '.join(sorted(unknown))}")
    if rule_id in seen:
        raise LexiconError(f"{owner}: duplicated id")
    seen.add(rule_id)

    category, categories = _categories_of(entry, kind, owner)
    sources = [_prepared(pattern, definitions, owner) for pattern in _patterns_of(entry, owner)]
    source = "|".join(f"(?:{s})" for s in sources)
    try:
        regex = re.compile(_anchor(source))
    except re.error as exc:  # pragma: no cover - each part parsed above
        raise LexiconError(f"{owner}: invalid regular expression: {exc}") from exc
    requires = _requires_of(entry, definitions, owner) if kind == "rule" else None
    return CompiledRule(
        id=rule_id,
        category=category,
        source=source,
        regex=regex,
        categories=categories,
        examples=_examples_of(entry, owner),
        requires=requires,
    )


def read_lexicon_file(path: Path) -> dict:
    data = read_json_file(path, "lexicon", LexiconError)
    if not isinstance(data, dict):
        raise LexiconError(f"lexicon {path}: the top level must be an object")
    return data


def build_lexicon_parts(data: dict):
    """Validate parsed lexicon JSON.

    Returns (version, rules, exclusions, prefilter, speller, cues);
    ``prefilter`` is None if some rule has no usable literal to key on (then
    every rule runs on every message: correct, only slower); ``speller`` is
    None without a ``"spelling"`` section; ``cues`` maps each cue kind to its
    entries (empty lists without a ``"cues"`` section).
    """
    unknown = set(data) - _TOP_FIELDS
    if unknown:
        raise LexiconError(f"lexicon: unknown top-level field(s) {', '.join(sorted(unknown))}")
    version = data.get("version")
    if not isinstance(version, str | int) or isinstance(version, bool) or version == "":
        raise LexiconError("lexicon: missing top-level 'version' (a string or number)")

    definitions = data.get("definitions", {})
    if not isinstance(definitions, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in definitions.items()
    ):
        raise LexiconError("lexicon: 'definitions' must map names to pattern strings")
    for name, value in definitions.items():
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise LexiconError(f"definition {name!r}: names use lower-case letters and '_'")
        expanded = _expand(value, definitions, f"definition {name!r}")
        _check_parsed(_optional_spaces(expanded), f"definition {name!r}")

    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise LexiconError("lexicon: 'rules' must be a non-empty list")
    raw_exclusions = data.get("exclusions", [])
    if not isinstance(raw_exclusions, list):
        raise LexiconError("lexicon: 'exclusions' must be a list")

    seen: set[str] = set()
    rules = [_compile_entry(e, i, "rule", definitions, seen) for i, e in enumerate(raw_rules)]
    exclusions = [
        _compile_entry(e, i, "exclusion", definitions, seen) for i, e in enumerate(raw_exclusions)
    ]

    try:
        speller = build_speller(data.get("spelling"))
    except ValueError as exc:
        raise LexiconError(str(exc)) from exc
    cues = _build_cues(data.get("cues", []), definitions, seen)

    return version, rules, exclusions, build_prefilter(rules), speller, cues


@dataclass(frozen=True, slots=True)
class Cue:
    """One cue entry: its regex (unanchored alternatives) and examples."""

    id: str
    kind: str
    source: str
    examples: tuple[str, ...]


def _build_cues(raw, definitions, seen: set[str]) -> dict[str, list[Cue]]:
    if not isinstance(raw, list):
        raise LexiconError("lexicon: 'cues' must be a list")
    out: dict[str, list[Cue]] = {kind: [] for kind in CUE_KINDS}
    for index, entry in enumerate(raw):
        where = f"cue #{index + 1}"
        if not isinstance(entry, dict):
            raise LexiconError(f"{where}: must be an object")
        cue_id = entry.get("id")
        if not isinstance(cue_id, str) or not _ID.fullmatch(cue_id):
            raise LexiconError(f"{where}: missing or malformed 'id'")
        owner = f"cue {cue_id!r}"
        unknown = set(entry) - _CUE_FIELDS
        if unknown:
            raise LexiconError(f"{owner}: unknown field(s) {', '.join(sorted(unknown))}")
        if cue_id in seen:
            raise LexiconError(f"{owner}: duplicated id")
        seen.add(cue_id)
        kind = entry.get("kind")
        if kind not in CUE_KINDS:
            raise LexiconError(
                f"{owner}: unknown kind {kind!r} (expected one of {', '.join(CUE_KINDS)})"
            )
        sources = []
        for pattern in _patterns_of(entry, owner):
            source = _optional_spaces(_expand(pattern, definitions, owner))
            _check_parsed(source, owner)
            sources.append(source)
        out[kind].append(
            Cue(
                id=cue_id,
                kind=kind,
                source="|".join(f"(?:{s})" for s in sources),
                examples=_examples_of(entry, owner),
            )
        )
    return out
