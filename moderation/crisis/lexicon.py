"""Loading, validating and compiling the crisis lexicon (a JSON file).

The lexicon is data, not code, so that facilitators can add a phrase without a
deploy: they edit a copy, test it with ``manage.py crisis_scan --lexicon``, and
point ``CRISIS_LEXICON_PATH`` at it. Because a broken file would silently
switch off a safety feature, loading is strict: every problem is reported as a
:class:`LexiconError` that names the rule at fault.

Pattern dialect (documented for editors in docs/safety.md):

* Python regular expressions, written in lower case, matched against the
  normalised text (see :mod:`moderation.crisis.normalize`).
* Every pattern is anchored at word edges automatically.
* A plain space means "one optional space", so "kill myself" also matches
  "killmyself" (what "k i l l m y s e l f" becomes after normalisation).
* ``{name}`` inserts a shared fragment from ``"definitions"``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from re import _constants as sre  # private, but stable across 3.11-3.13
from re import _parser as sre_parse

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
    if op in _REPEATS:
        return [av[2]]
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return [av[1]]
    if op is sre.ATOMIC_GROUP:
        return [av]
    return []


# --- prefilter needles ----------------------------------------------------------
#
# Running a regex with dozens of alternatives over every chat message is the
# slow part of scanning. Instead we work out, from each pattern's parse tree, a
# small set of literal strings of which every match must contain at least one
# ("kill myself" -> {"myself"}; "took too many {pills}" -> {"too many"}). A
# message containing none of these strings cannot match, and plain substring
# tests are far cheaper than the regex. The needles are derived, never written
# by hand, so an edited lexicon cannot get out of step with its prefilter.
#
# Spaces are optional almost everywhere in patterns, which would double the
# number of needles for every space. So needles are computed with spaces
# removed and tested against the message with its spaces removed: if a pattern
# matches some text, the match minus its spaces is still inside the text minus
# its spaces, so nothing can be missed. The needles are finally compiled into
# one trie-shaped regex, which tests hundreds of them in a single pass.

_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT))
_CAP = 1024  # largest set of alternatives we are willing to enumerate


def _product(left: set[str], right: set[str]) -> set[str] | None:
    if len(left) * len(right) > _CAP:
        return None
    return {a + b for a in left for b in right}


def _language(seq) -> set[str] | None:
    """Every string ``seq`` can match, if that is a small finite set."""
    out = {""}
    for op, av in seq:
        item = _item_language(op, av)
        if item is None:
            return None
        out = _product(out, item)
        if out is None:
            return None
    return out


def _item_language(op, av) -> set[str] | None:
    if op is sre.LITERAL:
        # Spaces are dropped: needles are matched against the message with its
        # spaces removed (see the section comment), which keeps the sets small.
        return {"" if av == 0x20 else chr(av)}
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return {""}  # zero-width: contributes no characters
    if op is sre.IN:
        chars: set[str] = set()
        for iop, iav in av:
            if iop is sre.LITERAL:
                chars.add("" if iav == 0x20 else chr(iav))
            elif iop is sre.RANGE and iav[1] - iav[0] < 8:
                chars.update(chr(c) for c in range(iav[0], iav[1] + 1))
            else:
                return None
        return chars if len(chars) <= 8 else None
    if op is sre.SUBPATTERN:
        return _language(av[3])
    if op is sre.ATOMIC_GROUP:
        return _language(av)
    if op is sre.BRANCH:
        out: set[str] = set()
        for alt in av[1]:
            sub = _language(alt)
            if sub is None:
                return None
            out |= sub
            if len(out) > _CAP:
                return None
        return out
    if op in _REPEATS:
        low, high, sub_seq = av
        if high is sre.MAXREPEAT or high > 3:
            return None
        sub = _language(sub_seq)
        if sub is None:
            return None
        out, current = set(), {""}
        for count in range(high + 1):
            if count >= low:
                out |= current
            if count < high:
                current = _product(current, sub)
                if current is None:
                    return None
        return out if len(out) <= _CAP else None
    return None


def _quality(needles: set[str]) -> tuple[int, int]:
    return (min(len(n) for n in needles), -len(needles))


def _required(seq) -> set[str] | None:
    """Strings of which any match of ``seq`` contains at least one, or None."""
    candidates: list[set[str]] = []
    segment = {""}
    for op, av in seq:
        item = _item_language(op, av)
        if item is not None:
            joined = _product(segment, item)
            if joined is None:
                candidates.append(segment)
                segment = item
            else:
                segment = joined
            continue
        candidates.append(segment)
        segment = {""}
        inner = _item_required(op, av)
        if inner:
            candidates.append(inner)
    candidates.append(segment)
    best = max(candidates, key=_quality)
    return best if _quality(best)[0] > 0 else None


def _item_required(op, av) -> set[str] | None:
    if op is sre.SUBPATTERN:
        return _required(av[3])
    if op is sre.ATOMIC_GROUP:
        return _required(av)
    if op is sre.BRANCH:
        out: set[str] = set()
        for alt in av[1]:
            sub = _required(alt)
            if sub is None:
                return None
            out |= sub
        return out
    if op in _REPEATS and av[0] >= 1:
        return _required(av[2])
    return None


def _trie_pattern(needles) -> str:
    """A regex matching any of ``needles``, shaped as a prefix tree so that the
    engine follows one branch per position instead of trying every needle."""
    trie: dict = {}
    for needle in needles:
        node = trie
        for ch in needle:
            node = node.setdefault(ch, {})
        node[""] = {}  # end marker

    def emit(node: dict) -> str:
        if "" in node and len(node) == 1:
            return ""
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # A needle ends here and longer ones go on: the rest is optional, and
        # being greedy the longest needle at a position is the one reported.
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


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

    category = None
    categories = None
    if kind == "rule":
        category = entry.get("category")
        if category not in CATEGORIES:
            raise LexiconError(
                f"{owner}: unknown category {category!r} (expected one of {', '.join(CATEGORIES)})"
            )
    else:
        raw = entry.get("categories")
        if raw is not None:
            if not isinstance(raw, list) or not raw:
                raise LexiconError(f"{owner}: 'categories' must be a non-empty list")
            for c in raw:
                if c not in CATEGORIES:
                    raise LexiconError(f"{owner}: unknown category {c!r}")
            categories = frozenset(raw)

    sources = []
    for pattern in _patterns_of(entry, owner):
        source = _optional_spaces(_expand(pattern, definitions, owner))
        _check_parsed(source, owner)
        sources.append(source)
    source = "|".join(f"(?:{s})" for s in sources)
    try:
        regex = re.compile(_anchor(source))
    except re.error as exc:  # pragma: no cover - each part parsed above
        raise LexiconError(f"{owner}: invalid regular expression: {exc}") from exc
    requires = None
    if kind == "rule" and "requires" in entry:
        raw_requires = entry["requires"]
        if (
            not isinstance(raw_requires, list)
            or not raw_requires
            or not all(isinstance(p, str) and p.strip() for p in raw_requires)
        ):
            raise LexiconError(f"{owner}: 'requires' must be a non-empty list of patterns")
        parts = []
        for pattern in raw_requires:
            part = _optional_spaces(_expand(pattern, definitions, owner))
            _check_parsed(part, owner)
            parts.append(part)
        requires = re.compile(_anchor("|".join(f"(?:{p})" for p in parts)))
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
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LexiconError(f"cannot read lexicon {path}: {exc.strerror or exc}") from exc
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise LexiconError(
            f"lexicon {path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc
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


@dataclass(frozen=True, slots=True)
class Prefilter:
    """Which rules could possibly match a message, decided from literal needles.

    ``regex`` finds the first few characters of any needle: a small trie, quick
    to compile and to run, even when there are thousands of needles. From each
    hit, ``trie`` (nested dicts) is walked to find which whole needles start
    there, and so which rules are worth running.
    """

    needles: tuple[str, ...]
    regex: re.Pattern[str]
    trie: dict

    def candidate_rules(self, text: str) -> list[int]:
        squashed = text.replace(" ", "")
        search = self.regex.search
        m = search(squashed)
        if m is None:
            return []  # the common case: one C-level scan and done
        found: set[int] = set()
        end = len(squashed)
        while m is not None:
            at = m.start()
            node = self.trie
            i = at
            while i < end:
                node = node.get(squashed[i])
                if node is None:
                    break
                ids = node.get("")
                if ids:
                    found.update(ids)
                i += 1
            # Restart one character on, not after the hit, so overlapping
            # needles of other rules are seen too.
            m = search(squashed, at + 1)
        return sorted(found)


_HEAD = 4  # characters of each needle put into the quick regex


def build_prefilter(rules: list[CompiledRule]) -> Prefilter | None:
    """Derive the needles of every rule; None if some rule has none."""
    owners: dict[str, set[int]] = {}
    for index, rule in enumerate(rules):
        required = _required(sre_parse.parse(rule.source))
        if required is None:
            return None  # this rule cannot be prefiltered: run every rule
        for needle in required:
            owners.setdefault(needle, set()).add(index)
    trie: dict = {}
    for needle, ids in owners.items():
        node = trie
        for ch in needle:
            node = node.setdefault(ch, {})
        node[""] = tuple(sorted(set(node.get("", ())) | ids))
    heads = {needle[:_HEAD] for needle in owners}
    return Prefilter(
        needles=tuple(sorted(owners)),
        regex=re.compile(_trie_pattern(heads)),
        trie=trie,
    )
