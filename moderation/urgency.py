"""How urgent a crisis message is, so the queue puts the most urgent person first
and the card puts emergency services first when minutes may matter.

Deliberately small and separate from the detector (crisis/): the detector
decides *whether* a message is crisis language; this only reads markers of
immediacy in a message already flagged. A missed marker costs order, never
the card or the alert.
"""

from __future__ import annotations

import re

from crisis import normalize

#: Happening now, to the writer or someone with them: first in the queue.
NOW = 3
#: A plan, a time or a decision ("tonight", "right now", "i'm going to").
IMMEDIATE = 2
#: A feeling or thought with no time marker.
FEELING = 1

_IMMEDIACY = re.compile(
    r"\b(?:tonight|right now|now|today|this (?:morning|afternoon|evening|weekend)|"
    r"tomorrow|in (?:an|a few|one|two) (?:minutes?|hours?)|"
    r"(?:have|got|made) (?:a|my) plan|my plan|planned|planning|decided|"
    r"going to|gonna|about to|ready to|goodbye|last (?:night|time|message)|"
    r"wrote (?:a|my) (?:note|letter)|happening|he'?s here|she'?s here)\b"
    # Spanish, as the detector normalises it (lower case, no accents):
    r"|\b(?:esta (?:noche|manana|tarde|madrugada|semana)|hoy(?: mismo)?|ahora(?: mismo)?|ya mismo|"
    r"manana|en (?:un|unos|una|unas|dos) (?:minutos?|horas?|rato)|"
    r"(?:tengo|hice) (?:un|el|mi) plan|mi plan|lo tengo (?:decidido|planeado)|(?:ya )?lo decidi|"
    r"decidid[oa]|voy a|me voy a|estoy a punto|list[oa] para|adios|despedirme|"
    r"(?:ultima|ultimo) (?:vez|noche|mensaje)|ya no aguanto|no aguanto mas|"
    r"(?:escribi|deje) (?:una|mi) (?:nota|carta)|esta pasando|esta aqui)\b"
)


def is_immediate(text: str) -> bool:
    """A plan, a time or a decision in *text* (any form the detector normalises)."""
    return bool(_IMMEDIACY.search(normalize(text)))


def urgency_of(*, category: str, text: str) -> int:
    """``NOW`` for an overdose (always) or violence with immediacy; ``IMMEDIATE``
    for suicide or self-harm with a plan or a time; ``FEELING`` otherwise."""
    immediate = is_immediate(text)
    if category == "overdose" or (category == "violence" and immediate):
        return NOW
    return IMMEDIATE if immediate else FEELING
