"""Crisis-language detection for Kindred (pure Python, no models).

``scan(text)`` tells whether a chat message contains crisis language and which
kind; ``card_for(category, country)`` builds the resources card to show.
See docs/safety.md.
"""

from .detector import Lexicon, LexiconError, Verdict, load_lexicon, scan, set_lexicon_path
from .lexicon import CATEGORIES
from .normalize import normalize
from .resources import ResourcesError, card_for, load_resources

__all__ = [
    "CATEGORIES",
    "Lexicon",
    "LexiconError",
    "ResourcesError",
    "Verdict",
    "card_for",
    "load_lexicon",
    "load_resources",
    "normalize",
    "scan",
    "set_lexicon_path",
]
