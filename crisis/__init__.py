"""Crisis-language detection for Kindred (pure Python at run time).

``detect(text)`` is the full detector the message path uses: the editable
lexicon (stage 1), then a small learned classifier (stage 2) when no rule
matched. ``scan(text)`` is stage 1 alone. Both return a :class:`Verdict`
whose ``stage`` and ``reason`` say what fired and why. ``card_for(category,
country)`` builds the resources card to show. See docs/safety.md.
"""

from .detector import Lexicon, LexiconError, Verdict, load_lexicon, scan, set_lexicon_path
from .full import FirstLook, detect, distress_score, first_look, second_look
from .lexicon import CATEGORIES
from .normalize import normalize
from .resources import ResourcesError, card_for, load_resources

__all__ = [
    "CATEGORIES",
    "FirstLook",
    "Lexicon",
    "LexiconError",
    "ResourcesError",
    "Verdict",
    "card_for",
    "detect",
    "distress_score",
    "first_look",
    "load_lexicon",
    "load_resources",
    "normalize",
    "scan",
    "second_look",
    "set_lexicon_path",
]
