"""The crisis lexicon's prefilter: literal needles derived from each rule's regex.

Kept apart from the file loading and validation in :mod:`crisis.lexicon`; only
``build_prefilter`` and ``Prefilter`` are used from outside.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from re import _constants as sre  # private, but stable across 3.11-3.13
from re import _parser as sre_parse
from typing import Any

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

REPEAT_OPS = (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT))
_CAP = 1024  # largest set of alternatives we are willing to enumerate


def _product(left: set[str], right: set[str]) -> set[str] | None:
    if len(left) * len(right) > _CAP:
        return None
    return {a + b for a in left for b in right}


#: Items that hold sequences of their own: a group (its body) and a branch (its alternatives).
_GROUPS = (sre.SUBPATTERN, sre.ATOMIC_GROUP, sre.BRANCH)


def _union(op, av, of: Callable[[Any], set[str] | None], cap: float = math.inf) -> set[str] | None:
    """``of`` each sequence a group item holds, united (a match of the item is a
    match of one of them); None if one is None or the union grows past *cap*."""
    if op is sre.SUBPATTERN:
        seqs = [av[3]]
    elif op is sre.ATOMIC_GROUP:
        seqs = [av]
    else:  # sre.BRANCH
        seqs = av[1]
    out: set[str] = set()
    for seq in seqs:
        sub = of(seq)
        if sub is None:
            return None
        out |= sub
        if len(out) > cap:
            return None
    return out


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
    if op in _GROUPS:
        return _union(op, av, _language, cap=_CAP)
    if op in REPEAT_OPS:
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
    if op in _GROUPS:
        return _union(op, av, _required)
    if op in REPEAT_OPS and av[0] >= 1:
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


def build_prefilter(rules: list[Any]) -> Prefilter | None:
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
