"""The crisis-language detector: ``scan(text) -> Verdict``.

Pure Python with no side effects (other than logging once about a broken
configured lexicon), so it can run inline on every chat message. Matching is
keyword/phrase based (see docs/safety.md for what that can and cannot catch).
The lexicon is loaded from JSON, compiled once, and cached per (path,
modification time); the file is re-checked at most once a second, so an admin
who edits it in place gets the new rules within a second, without a restart.

Which file is used, first match wins:

1. a path set with :func:`set_lexicon_path` (tests, the ``crisis_scan`` command);
2. the Django setting ``CRISIS_LEXICON_PATH``, if Django is configured;
3. the lexicon shipped in ``data/lexicon.json``.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from .cues import Cues
from .datafile import DATA_DIR, setting_path
from .lexicon import (
    CATEGORIES,
    PRIORITY,
    CompiledRule,
    LexiconError,
    build_lexicon_parts,
    read_lexicon_file,
)
from .normalize import variants

__all__ = [
    "CATEGORIES",
    "DEFAULT_LEXICON_PATH",
    "Lexicon",
    "LexiconError",
    "Verdict",
    "active_lexicon_path",
    "load_lexicon",
    "scan",
    "set_lexicon_path",
]

logger = logging.getLogger(__name__)

DEFAULT_LEXICON_PATH = DATA_DIR / "lexicon.json"

_RANK = {category: rank for rank, category in enumerate(PRIORITY)}


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of scanning one message.

    ``phrase`` is the matched text in its *normalised* form (lower case,
    de-obfuscated), which is what a facilitator needs to see why it fired.
    ``stage`` says which stage decided: ``"lexicon"`` (a rule matched),
    ``"model"`` (the learned classifier) or None (not flagged). ``reason`` is
    a short human-readable explanation: the rule id and matched phrase, or the
    model's score and the n-grams that weighed most.
    """

    category: str | None = None
    phrase: str | None = None
    rule_id: str | None = None
    stage: str | None = None
    reason: str | None = None

    @property
    def flagged(self) -> bool:
        return self.category is not None


CLEAR = Verdict()


@dataclass(frozen=True, slots=True)
class Examination:
    """What stage 1 found: the verdict, plus the best match it cancelled.

    ``cancelled`` (a would-be verdict, with the cue or exclusion in its
    ``reason``) lets the full detector know that the message *does* use the
    topic's words, but in the past, negated, reported or as an idiom, so a
    middling stage-2 score should not fire.
    """

    verdict: Verdict
    cancelled: Verdict | None = None


# Run-together words ("iwanttodie", "gonnakillmyself"): long tokens are also
# searched without word-edge anchors.
_RUN_TOGETHER = re.compile(r"(?<![\w'])[a-z']{10,}")


class Lexicon:
    """A validated, compiled lexicon. Build with :func:`load_lexicon`."""

    def __init__(self, data: dict, *, path: Path | None = None) -> None:
        self.path = path
        (
            self.version,
            self.rules,
            self.exclusions,
            self._prefilter,
            self.speller,
            cues,
        ) = build_lexicon_parts(data)
        self._cues = Cues(cues)
        self._loose: dict[int, re.Pattern[str]] = {}
        self._all_rules = list(range(len(self.rules)))
        self._check_examples()

    def __repr__(self) -> str:
        return f"<Lexicon version={self.version!r} rules={len(self.rules)} path={self.path}>"

    @property
    def needles(self) -> tuple[str, ...] | None:
        """The literal strings the prefilter looks for (None: no prefilter)."""
        return self._prefilter.needles if self._prefilter is not None else None

    # -- matching ---------------------------------------------------------------

    def _excluded_spans(self, text: str) -> list[tuple[int, int, frozenset[str] | None, str]]:
        spans = []
        for exclusion in self.exclusions:
            for m in exclusion.regex.finditer(text):
                spans.append((m.start(), m.end(), exclusion.categories, exclusion.id))
        return spans

    @staticmethod
    def _is_excluded(start, end, category, spans) -> str | None:
        """The id of an exclusion covering ``start:end`` for ``category``."""
        for s, e, categories, exclusion_id in spans:
            if s < end and e > start and (categories is None or category in categories):
                return exclusion_id
        return None

    def _first_match(self, rule: CompiledRule, text: str, cancelled: list):
        """The first match of ``rule`` in ``text`` that no exclusion or cue
        covers. A match cancelled by a cue is noted in ``cancelled``."""
        pos = 0
        spans = None  # exclusions are only looked for once a rule has matched
        search = rule.regex.search
        while (m := search(text, pos)) is not None:
            if rule.requires is not None and rule.requires.search(text) is None:
                return None  # the context the rule needs is not in the message
            if spans is None:
                spans = self._excluded_spans(text)
            excluded = self._is_excluded(m.start(), m.end(), rule.category, spans)
            if excluded is None:
                cue = self._cues.cancelling(text, m.start(), m.end())
                if cue is None:
                    return m
                cancelled.append((rule, m.group(), cue))
            else:
                # An idiom or prevention talk: also a reason for stage 2 to
                # ask for more ("cut myself shaving").
                cancelled.append((rule, m.group(), f"exclusion {excluded}"))
            # Step one character on rather than past the match, so an excluded
            # match cannot hide a real one that overlaps it.
            pos = m.start() + 1
        return None

    def _loose_regex(self, index: int) -> re.Pattern[str]:
        regex = self._loose.get(index)
        if regex is None:
            regex = self._loose[index] = re.compile(self.rules[index].source)
        return regex

    def _run_together(self, text: str, cancelled: list):
        """Matches inside long run-together tokens ("iwanttodie")."""
        spans = None
        for token in _RUN_TOGETHER.finditer(text):
            word = token.group()
            candidates = (
                self._all_rules
                if self._prefilter is None
                else self._prefilter.candidate_rules(word)
            )
            for index in candidates:
                m = self._loose_regex(index).search(word)
                if m is None:
                    continue
                rule = self.rules[index]
                if rule.requires is not None and rule.requires.search(text) is None:
                    continue
                if spans is None:
                    spans = self._excluded_spans(text)
                if self._is_excluded(token.start(), token.end(), rule.category, spans) is not None:
                    continue
                cue = self._cues.cancelling(text, token.start(), token.end())
                if cue is None:
                    yield rule, token.start(), m.group()
                else:
                    cancelled.append((rule, m.group(), cue))

    def _best_in(self, text: str, cancelled: list) -> Verdict | None:
        """The most urgent non-excluded match in one normalised variant."""
        if self._prefilter is None:
            candidates = self._all_rules
        else:
            candidates = self._prefilter.candidate_rules(text)
            if not candidates:
                return None
        best: Verdict | None = None
        best_key = None
        for index in candidates:
            rule = self.rules[index]
            if best_key is not None and _RANK[rule.category] > best_key[0]:
                continue  # cannot beat what we already have
            m = self._first_match(rule, text, cancelled)
            if m is None:
                continue
            # Most urgent category first, then earliest in the message, then
            # the rule listed first in the lexicon.
            key = (_RANK[rule.category], m.start(), index)
            if best_key is None or key < best_key:
                best_key = key
                best = _lexicon_verdict(rule, m.group())
        if best is None and _RUN_TOGETHER.search(text):
            for rule, start, phrase in self._run_together(text, cancelled):
                key = (_RANK[rule.category], start, 0)
                if best_key is None or key < best_key:
                    best_key = key
                    best = _lexicon_verdict(rule, phrase)
        return best

    def examine(self, text: str) -> Examination:
        """Scan one message; also report the best match a cue cancelled."""
        if not text:
            return _CLEAR_EXAMINATION
        best: Verdict | None = None
        cancelled: list = []
        speller = self.speller
        for variant in variants(text):
            if speller is not None:
                variant = speller.correct(variant)
            found = self._best_in(variant, cancelled)
            if found is not None and (best is None or _RANK[found.category] < _RANK[best.category]):
                best = found
                if _RANK[best.category] == 0:
                    break
        if best is not None or not cancelled:
            return Examination(best or CLEAR)
        rule, phrase, cue = min(cancelled, key=lambda c: _RANK[c[0].category])
        return Examination(
            CLEAR,
            Verdict(
                rule.category,
                phrase,
                rule.id,
                "lexicon",
                f"{rule.id}: {phrase!r}, cancelled by {cue}",
            ),
        )

    def scan(self, text: str) -> Verdict:
        """Scan one message with this lexicon."""
        return self.examine(text).verdict

    # -- self-test ----------------------------------------------------------------

    def _check_examples(self) -> None:
        """Each rule's examples must be caught by that rule; a lexicon whose own
        examples fail (a typo, an over-broad exclusion) is rejected at load time."""
        for rule in self.rules:
            for example in rule.examples:
                if not self._rule_catches(rule, example):
                    raise LexiconError(
                        f"rule {rule.id!r}: its example {example!r} is not detected "
                        "(pattern does not match, or an exclusion suppresses it)"
                    )
        for exclusion in self.exclusions:
            for example in exclusion.examples:
                if not any(exclusion.regex.search(v) for v in variants(example)):
                    raise LexiconError(
                        f"exclusion {exclusion.id!r}: its example {example!r} does not match"
                    )
        for kind, entries in self._cues.entries.items():
            for cue in entries:
                regex = re.compile(rf"(?<![\w'])(?:{cue.source})(?![\w'])")
                for example in cue.examples:
                    if not any(regex.search(v) for v in variants(example)):
                        raise LexiconError(
                            f"cue {cue.id!r} ({kind}): its example {example!r} does not match"
                        )

    def _rule_catches(self, rule: CompiledRule, example: str) -> bool:
        for variant in variants(example):
            if self.speller is not None:
                variant = self.speller.correct(variant)
            if rule.requires is not None and rule.requires.search(variant) is None:
                continue
            spans = self._excluded_spans(variant)
            for m in rule.regex.finditer(variant):
                if (
                    self._is_excluded(m.start(), m.end(), rule.category, spans) is None
                    and self._cues.cancelling(variant, m.start(), m.end()) is None
                ):
                    return True
        return False


def _lexicon_verdict(rule: CompiledRule, phrase: str) -> Verdict:
    return Verdict(rule.category, phrase, rule.id, "lexicon", f"{rule.id}: {phrase!r}")


_CLEAR_EXAMINATION = Examination(CLEAR)


# --- loading and caching ---------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _load_cached(path: str, mtime_ns: int, size: int) -> Lexicon:
    # mtime and size are only part of the key: editing the file makes a new entry.
    resolved = Path(path)
    return Lexicon(read_lexicon_file(resolved), path=resolved)


def _stat_key(path: Path) -> tuple[str, int, int]:
    try:
        st = os.stat(path)
    except OSError as exc:
        raise LexiconError(f"cannot read lexicon {path}: {exc.strerror or exc}") from exc
    return (str(path), st.st_mtime_ns, st.st_size)


def load_lexicon(path: str | os.PathLike[str] | None = None) -> Lexicon:
    """Load, validate and compile a lexicon file (cached per path and mtime).

    With no ``path``, loads the active one (see the module docstring).
    Raises :class:`LexiconError` with a message naming the faulty rule.
    """
    resolved = Path(path) if path is not None else active_lexicon_path()
    return _load_cached(*_stat_key(resolved))


_override: Path | None = None

# The lexicon scan() used last, the path it came from and when that file was
# last stat-ed. Stat-ing on every message would cost a system call each time;
# once a second is plenty to pick up an admin's edit. The path itself is
# resolved on every call (cheap), so a changed setting takes effect at once.
_RECHECK_SECONDS = 1.0
_current: tuple[Path, float, Lexicon] | None = None


def set_lexicon_path(path: str | os.PathLike[str] | None) -> None:
    """Use ``path`` for :func:`scan` from now on (``None`` restores the
    settings/default lookup) and forget the lexicon in use, so the next scan
    loads afresh. Compiled lexicons stay cached per (path, mtime, size)."""
    global _override, _current
    _override = Path(path) if path is not None else None
    _current = None
    _broken.clear()


def active_lexicon_path() -> Path:
    """The lexicon file :func:`scan` uses right now."""
    return _override or setting_path("CRISIS_LEXICON_PATH") or DEFAULT_LEXICON_PATH


# Failures already reported, so a broken file is logged once, not per message.
_broken: dict[tuple[str, int, int], str] = {}


def _load_or_fallback(path: Path) -> Lexicon:
    try:
        return load_lexicon(path)
    except LexiconError as exc:
        if path == DEFAULT_LEXICON_PATH:
            raise  # the shipped file is broken: that is a bug, not a config error
        # A bad edit to an admin's copy must not switch detection off or break
        # chat, so fall back to the shipped lexicon and say so loudly once.
        try:
            key = _stat_key(path)
        except LexiconError:
            key = (str(path), -1, -1)
        if key not in _broken:
            _broken[key] = str(exc)
            logger.error("Crisis lexicon %s is unusable, using the shipped one: %s", path, exc)
        return load_lexicon(DEFAULT_LEXICON_PATH)


def _active_lexicon() -> Lexicon:
    global _current
    path = active_lexicon_path()
    now = time.monotonic()
    current = _current
    if current is not None and current[0] == path and now - current[1] < _RECHECK_SECONDS:
        return current[2]
    lexicon = _load_or_fallback(path)
    _current = (path, now, lexicon)
    return lexicon


def scan(text: str) -> Verdict:
    """Scan one chat message for crisis language using the active lexicon."""
    return _active_lexicon().scan(text)
