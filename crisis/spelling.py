"""Misspelling tolerance and asterisk masks for the lexicon.

People in distress type fast, on a phone, often at night: "myslef", "sucide",
"tonite", "gona", "k*ll". Listing every misspelling in every pattern does not
scale, so the lexicon declares a small vocabulary of words that matter
(``"spelling"`` in the lexicon file) and this module folds near-misses of
those words back to them before the patterns run.

Tolerance is bounded by word length, so short everyday words are not turned
into crisis words ("will" never becomes "kill"):

* 4+ letters: two neighbouring letters swapped, a letter doubled, a double
  letter undoubled ("kil" -> "kill", "myslef" -> "myself");
* 5+ letters: one letter dropped or one letter added ("sucide", "tonigth");
* 8+ letters: one letter replaced ("overdise").

The first letter is never dropped, added before or replaced.

A generated form is never used when it is itself one of the vocabulary words,
is listed under ``"keep"`` (real words that happen to be one edit away, such as
"dyeing"), or could come from two different vocabulary words. Fixed
``"variants"`` cover what edit distance cannot (phonetic spellings such as
"tonite" or "2nite", "wana" -> "wanna").

A token containing ``*`` ("k*ll", "su*cide") is a mask: it is replaced by the
one vocabulary word it can stand for, with each ``*`` standing for one or two
letters. If it fits no word or several, the asterisks are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Speller", "build_speller"]

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_WORD = re.compile(r"[a-z][a-z']*")
_TOKEN = re.compile(r"[^ ]+")


def _edits(word: str) -> set[str]:
    """Every bounded near-miss of ``word`` (see the module docstring)."""
    out: set[str] = set()
    n = len(word)
    if n >= 4:
        for i in range(n - 1):
            if word[i] != word[i + 1]:
                out.add(word[:i] + word[i + 1] + word[i] + word[i + 2 :])
        for i in range(n):
            out.add(word[: i + 1] + word[i] + word[i + 1 :])  # doubled
            if i + 1 < n and word[i] == word[i + 1]:
                out.add(word[:i] + word[i + 1 :])  # undoubled
    # The first letter is kept: people rarely get it wrong, and changing it
    # reaches other words too easily ("sending" is "ending" plus a letter).
    if n >= 5:
        for i in range(1, n):
            out.add(word[:i] + word[i + 1 :])  # dropped
        for i in range(1, n + 1):
            for ch in _LETTERS:
                out.add(word[:i] + ch + word[i:])  # added
    if n >= 8:
        for i in range(1, n):
            for ch in _LETTERS:
                if ch != word[i]:
                    out.add(word[:i] + ch + word[i + 1 :])  # replaced
    out.discard(word)
    return out


@dataclass(frozen=True, slots=True)
class Speller:
    """Folds near-misses and masks of the lexicon's vocabulary to the words."""

    words: frozenset[str]
    fixes: dict[str, str]

    def correct(self, text: str) -> str:
        """``text`` (already normalised) with misspellings and masks folded."""
        fixes = self.fixes
        tokens = text.split(" ")
        changed = False
        for i, token in enumerate(tokens):
            fixed = fixes.get(token)
            if fixed is None:
                if "*" in token:
                    fixed = self._unmask(token)
                else:
                    # "myslef," and "tonite." : keep trailing punctuation.
                    stripped = token.rstrip(".,!?;:")
                    if stripped == token:
                        continue
                    fixed = fixes.get(stripped)
                    if fixed is None:
                        continue
                    fixed += token[len(stripped) :]
            tokens[i] = fixed
            changed = True
        return " ".join(tokens) if changed else text

    def _unmask(self, token: str) -> str:
        core = token.strip(".,!?;:")
        parts = core.split("*")
        if not any(parts) or not all(p == "" or _WORD.fullmatch(p) for p in parts):
            return token.replace("*", "")
        pattern = re.compile("[a-z]{1,2}".join(re.escape(p) for p in parts))
        # Consecutive asterisks ("d**d") give empty parts, which the join above
        # turns into one or two letters per asterisk as well.
        found = {w for w in self.words if pattern.fullmatch(w)}
        if len(found) == 1:
            return token.replace(core, found.pop())
        return token.replace("*", "")


def build_speller(section: object, owner: str = "spelling") -> Speller | None:
    """Validate a lexicon's ``"spelling"`` section and build its :class:`Speller`.

    Raises ``ValueError`` with a readable message (the caller wraps it in a
    ``LexiconError``).
    """
    if section is None:
        return None
    if not isinstance(section, dict):
        raise ValueError(f"{owner}: must be an object")
    unknown = set(section) - {"words", "variants", "keep", "note"}
    if unknown:
        raise ValueError(f"{owner}: unknown field(s) {', '.join(sorted(unknown))}")
    words = section.get("words", [])
    keep = section.get("keep", [])
    variants = section.get("variants", {})
    for name, value in (("words", words), ("keep", keep)):
        if not isinstance(value, list) or not all(
            isinstance(w, str) and re.fullmatch(r"[a-z][a-z']*", w) for w in value
        ):
            raise ValueError(f"{owner}: '{name}' must be a list of lower-case words")
    if not isinstance(variants, dict):
        raise ValueError(f"{owner}: 'variants' must map a word to a list of spellings")
    for target, spellings in variants.items():
        if not isinstance(target, str) or not target.strip():
            raise ValueError(f"{owner}: variant targets must be non-empty strings")
        if not isinstance(spellings, list) or not all(
            isinstance(v, str) and re.fullmatch(r"[a-z0-9'*]+", v) for v in spellings
        ):
            raise ValueError(f"{owner}: variants of {target!r} must be single lower-case tokens")

    vocabulary = frozenset(words)
    protected = vocabulary | frozenset(keep)
    owners: dict[str, set[str]] = {}
    for word in vocabulary:
        for edit in _edits(word):
            owners.setdefault(edit, set()).add(word)
    fixes = {
        edit: next(iter(sources))
        for edit, sources in owners.items()
        if len(sources) == 1 and edit not in protected
    }
    for target, spellings in variants.items():
        for spelling in spellings:
            fixes[spelling] = target
    return Speller(words=vocabulary, fixes=fixes)
