"""Cues that cancel a lexicon match: negation, past time and reported speech
around it ("i'm not going to kill myself", "years ago i wanted to die",
"she said she'd hurt herself"). The cue lists come from the lexicon file."""

from __future__ import annotations

import re

# Clause boundaries for the cues: sentence punctuation, and words that turn a
# sentence round ("i used to want to die but now i'm ok").
_CLAUSE_BREAK = re.compile(
    r"[.!?;]+(?: |$)|(?<!\w)(?:but|pero|though|although|however|anyway|aunque|sin embargo)(?!\w)"
)


class Cues:
    """Decides whether a rule match is cancelled by negation, past time or
    reported speech around it (cue lists come from the lexicon file)."""

    def __init__(self, cues) -> None:
        def joined(kind: str) -> str | None:
            sources = [c.source for c in cues.get(kind, [])]
            return "|".join(f"(?:{s})" for s in sources) if sources else None

        negation, filler = joined("negation"), joined("filler")
        self.negation = None
        if negation:
            gap = rf"(?: (?:{filler})){{0,4}}" if filler else ""
            self.negation = re.compile(rf"(?<![\w'])(?:{negation}){gap} ?\Z")
        self.past = self._compile(joined("past"))
        self.present = self._compile(joined("present"))
        self.past_verb = self._compile(joined("past_verb"))
        self.reported = self._compile(joined("reported"))
        self.entries = cues

    @staticmethod
    def _compile(source: str | None) -> re.Pattern[str] | None:
        return re.compile(rf"(?<![\w'])(?:{source})(?![\w'])") if source else None

    def cancelling(self, text: str, start: int, end: int) -> str | None:
        """The cue (kind and matched words) that cancels ``text[start:end]``."""
        clause_start, clause_end = 0, len(text)
        for b in _CLAUSE_BREAK.finditer(text):
            if b.end() <= start:
                clause_start = b.end()
            elif b.start() >= end:
                clause_end = b.start()
                break
        prefix = text[max(clause_start, start - 80) : start]
        if self.negation is not None and (n := self.negation.search(prefix)):
            return f"negation ({n.group().strip()})"
        if self.reported is not None and (r := self.reported.search(text, clause_start, start)):
            return f"reported speech ({r.group()})"
        if text.count('"', 0, start) % 2 == 1 and '"' in text[end:]:
            return "quoted"
        if self.past is None:
            return None
        for p in self.past.finditer(text, clause_start, clause_end):
            if p.end() <= start:
                present = self.present and self.present.search(text, p.end(), end)
            elif p.start() >= end:
                if not (self.past_verb and self.past_verb.search(text, start, end)):
                    continue
                present = self.present and self.present.search(text, start, p.start())
            else:  # the marker is part of the match ("used to want to die")
                present = self.present and self.present.search(text, start, end)
            if not present:
                return f"past ({p.group()})"
        return None
