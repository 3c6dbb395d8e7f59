"""Text normalisation for crisis-language matching.

People who are struggling rarely type textbook English, and a few deliberately
disguise words to get past filters ("k1ll", "s.u.i.c.i.d.e", Cyrillic look-alike
letters, zero-width spaces). Every message is reduced to a plain, lower-case,
mostly-ASCII "skeleton" before the lexicon patterns run, so the patterns can be
written once in simple lower-case English/Spanish.

The normalised text is only ever used for matching; it is never shown to
anyone or stored, so it is fine that it mangles legitimate Cyrillic or Greek.

Steps, in order (each one is explained where it is implemented):

1. invisible characters removed, control characters turned into spaces;
2. Unicode compatibility normalisation (NFKC), case folding, then accents
   stripped (NFKD minus combining marks) so "tomé" matches "tome";
3. confusable letters mapped to their Latin skeleton (Cyrillic "о" -> "o");
4. typographic apostrophes and dashes unified; emoji that people use as
   words ("\U0001f52a", "\U0001f48a") replaced by the word;
5. letters spelled out with spaces, dots or dashes collapsed ("k i l l");
6. leetspeak mapped, but only inside tokens that contain letters, so "988" and
   "3pm" survive ("3nd" is not an ordinal, so it becomes "end");
7. punctuation folded where it splits a phrase rather than sentences: inside
   a word ("my-self", "end.my.life") and between one- or two-word fragments
   ("end. my. life.");
8. whitespace collapsed;
9. runs of three or more of the same letter cut to two ("diiiie" -> "diie").
   :func:`variants` additionally offers the one-letter form ("die").

Asterisk masks ("k*ll") and misspellings are resolved later, by the lexicon
(see :mod:`crisis.spelling`), because they need its vocabulary.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable

__all__ = ["normalize", "variants"]

# --- 1. invisible and control characters -------------------------------------

# Zero-width and bidi characters are removed outright: they are invisible, so a
# word with one inside it looks whole to a reader and must look whole to us.
# Everything in Unicode category Cf (format) is dropped as well, which covers
# these plus soft hyphens, tag characters and the like.
_INVISIBLE = {
    *range(0x200B, 0x2010),  # zero-width space/non-joiner/joiner, LRM, RLM
    *range(0x202A, 0x202F),  # bidi embeddings and overrides
    *range(0x2060, 0x2065),  # word joiner, invisible operators
    *range(0x2066, 0x206A),  # bidi isolates
    0xFEFF,  # byte-order mark / zero-width no-break space
    0x00AD,  # soft hyphen
    0x034F,  # combining grapheme joiner
    0x180E,  # Mongolian vowel separator (was a space, now invisible)
}

# Newline, tab and other line breaks separate words, so they become spaces;
# all other C0/C1 controls are junk and are removed.
_BREAKS = {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029}


def _strip_invisible(text: str) -> str:
    out = []
    for ch in text:
        cp = ord(ch)
        if cp in _BREAKS:
            out.append(" ")
        elif cp in _INVISIBLE or cp < 0x20 or 0x7F <= cp <= 0x9F:
            continue  # invisible or a control character
        elif cp > 0x7F and unicodedata.category(ch) == "Cf":
            continue  # any other format character
        else:
            out.append(ch)
    return "".join(out)


_ASCII_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _ascii_controls(match: re.Match[str]) -> str:
    return " " if ord(match.group()) in _BREAKS else ""


# --- 3. confusables ------------------------------------------------------------

# Lower-case forms only: case folding has already happened. Written as escapes
# so that the source itself is not full of invisible look-alikes.
_CONFUSABLES = str.maketrans(
    {
        # Cyrillic
        "\u0430": "a",  # а
        "\u0431": "b",  # б (looks like 6 / b in some fonts)
        "\u0432": "b",  # в (small-caps B)
        "\u0435": "e",  # е
        "\u0451": "e",  # ё
        "\u0454": "e",  # є
        "\u0433": "r",  # г (small-caps looks like r)
        "\u043a": "k",  # к
        "\u043c": "m",  # м
        "\u043d": "h",  # н (small-caps H)
        "\u043e": "o",  # о
        "\u0440": "p",  # р
        "\u0441": "c",  # с
        "\u0442": "t",  # т
        "\u0443": "y",  # у
        "\u0445": "x",  # х
        "\u0455": "s",  # ѕ
        "\u0456": "i",  # і
        "\u0457": "i",  # ї
        "\u0458": "j",  # ј
        "\u0501": "d",  # ԁ
        "\u051b": "q",  # ԛ
        "\u051d": "w",  # ԝ
        "\u04bb": "h",  # һ
        "\u04af": "y",  # ү
        "\u04cf": "l",  # ӏ
        "\u0261": "g",  # ɡ (Latin script g)
        # Greek
        "\u03b1": "a",  # α
        "\u03b2": "b",  # β
        "\u03b3": "y",  # γ
        "\u03b5": "e",  # ε
        "\u03b7": "n",  # η
        "\u03b9": "i",  # ι
        "\u03ba": "k",  # κ
        "\u03bd": "v",  # ν
        "\u03bf": "o",  # ο
        "\u03c1": "p",  # ρ
        "\u03c4": "t",  # τ
        "\u03c5": "u",  # υ
        "\u03c7": "x",  # χ
        "\u03c9": "w",  # ω
        "\u03bc": "u",  # μ (NFKC turns the micro sign into this)
        # Armenian and Latin oddities
        "\u0585": "o",  # օ
        "\u057d": "u",  # ս
        "\u0570": "h",  # հ
        "\u0131": "i",  # ı dotless i
        "\u026a": "i",  # ɪ small capital I
        "\u0251": "a",  # ɑ
        # typographic apostrophes and dashes (step 4)
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "\u02bc": "'",
        "\u2032": "'",
        "`": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
    }
)

# Emoji that stand in for a word in crisis talk ("\U0001f52a myself",
# "\U0001f48a\U0001f48a\U0001f48a tonight"). Only unambiguous objects are mapped: faces
# and hearts mean too many different things. Variation selectors and the
# zero-width joiner around them are dropped with the other invisible marks.
EMOJI_WORDS: dict[str, str] = {
    "\U0001f52a": "knife",  # kitchen knife
    "\U0001f5e1": "knife",  # dagger
    "\u2702": "cut",  # scissors, used as the verb
    "\U0001f52b": "gun",  # pistol
    "\U0001f48a": "pills",  # pill
    "\U0001f489": "needle",  # syringe
    "\U0001faa2": "rope",  # knot
    "\u26b0": "coffin",
    "\U0001faa6": "grave",  # headstone
    "\U0001fa78": "blood",  # drop of blood
    "\U0001f309": "bridge",  # bridge at night
    "\U0001f686": "train",
    "\U0001f682": "train",
    "\U0001f684": "train",
    "\U0001f687": "train",
    "\U0001f6e4": "train tracks",  # railway track
    "\u2620": "dead",  # skull and crossbones (the plain skull means "laughing")
}
_EMOJI = str.maketrans({k: f" {v} " for k, v in EMOJI_WORDS.items()})


def _with_letters(change: Callable[[str], str]) -> Callable[[re.Match[str]], str]:
    """A ``re.sub`` callback applying *change* to matches that contain a letter:
    the others are numbers ("988", "9 8 8", "2024") and are kept as they are."""

    def callback(match: re.Match[str]) -> str:
        text = match.group()
        return change(text) if any(ch.isalpha() for ch in text) else text

    return callback


# --- 5. spelled-out letters ----------------------------------------------------

# Three or more single characters separated by one to three spaces, dots,
# dashes, underscores, asterisks or middle dots: "k i l l", "s.u.i.c.i.d.e",
# "k-i-l-l". Leet characters count as letters here so "k 1 l l" collapses too;
# the run must contain at least one real letter, so "9 8 8" stays as it is.
_SINGLE = r"[a-z0-9@$!]"  # the text is lower-case and (nearly all) ASCII by now
_SEPARATOR = r"[ .\-_*\u00b7]"
_SPELLED = re.compile(rf"(?<![\w@$!])(?:{_SINGLE}{_SEPARATOR}{{1,3}}){{2,}}{_SINGLE}(?![\w@$!])")
# Cheap necessary condition: a lone character between two separators. Lets the
# full pattern run only on the few messages that could contain a spelled word.
_SPELLED_HINT = re.compile(rf"{_SEPARATOR}{_SINGLE}{_SEPARATOR}")
_SPELLED_SEP = re.compile(r"[ .\-_*\u00b7]+")


@_with_letters
def _collapse_spelled(run: str) -> str:
    return _SPELLED_SEP.sub("", run)


# --- 6. leetspeak --------------------------------------------------------------

_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
_LEET_TRIGGER = re.compile(r"[013457@$!]")
# Only tokens that contain a leet character are handed to the Python callback.
_LEET_TOKEN = re.compile(r"[\w@$!]*[013457@$!][\w@$!]*")
# A number followed by a unit or ordinal ("3pm", "90days", "2nd", "20mg") is a
# number, not leetspeak.
_NUMBER_WITH_UNIT = re.compile(
    r"\d+(?:am|pm|a|p|h|hr|hrs|min|mins|m|mg|mcg|ml|g|kg|lb|lbs|k|s|x|"
    r"yo|yr|yrs|day|days|wk|wks|mo|km|kms|mi|ft|in|oz)"
)
# An ordinal only counts with the suffix its last digit takes: "3rd" and
# "22nd" are ordinals, "3nd" is leetspeak for "end".
_ORDINAL = re.compile(r"\d*?(1[0-9]th|1st|2nd|3rd|[04-9]th)")
_ORDINAL_SHAPE = re.compile(r"\d+(?:st|nd|rd|th)")
# "!" only stands for "i" when a letter follows it ("k!ll"); "help!" is a shout.
_BANG_LETTER = re.compile(r"!(?=\w)")


@_with_letters
def _unleet_token(token: str) -> str:
    if _NUMBER_WITH_UNIT.fullmatch(token):
        return token
    if _ORDINAL_SHAPE.fullmatch(token):
        if _ORDINAL.fullmatch(token):
            return token
        return token.translate(_LEET)
    return _BANG_LETTER.sub("i", token).translate(_LEET)


# --- 7. punctuation that splits a phrase ---------------------------------------

# Inside a word: a dot, dash, underscore or tilde between two letters is
# glued out ("my-self", "end.my.life", "self_harm"). Patterns treat spaces as
# optional, so the joined form still matches a multi-word phrase. "e.g." and
# "self-harm" come out as "eg" and "selfharm", which no rule minds.
_INNER_PUNCT = re.compile(r"(?<=[a-z])[.\-_~]+(?=[a-z])")
# Between short fragments: sentence punctuation after a fragment of one or two
# words, when another short fragment follows ("end. my. life.", "kill. myself").
# Ordinary sentences ("no, i'm fine. just tired") keep their punctuation, which
# the negation and past-time cues use as clause boundaries.
_STACCATO = re.compile(
    r"(?:^|(?<=[.!?,;:] ))([\w']+(?: [\w']+)?)[.!?,;:]+ (?=[\w']+(?: [\w']+)?(?:[.!?,;:]|$))"
)
_STACCATO_HINT = re.compile(r"[.!?,;:] ")

# --- 8/9. whitespace and elongation -------------------------------------------

_DOTS = re.compile(r"\.{2,}")
_LONG_RUN = re.compile(r"([^\W\d_])\1{2,}")
_TRIPLE = re.compile(r"(.)\1\1")  # fast pre-check for _LONG_RUN
_MAX_COMBINED_RUNS = 4


def _core(text: str) -> str:
    """Steps 1-7; elongated letters are left for :func:`variants`."""
    if text.isascii():
        # Fast path for the overwhelmingly common case: no Unicode work needed.
        if not text.isprintable():
            text = _ASCII_CONTROL.sub(_ascii_controls, text)
        text = text.lower()
        if "`" in text:
            text = text.replace("`", "'")
    else:
        text = _strip_invisible(text)
        text = unicodedata.normalize("NFKC", text).casefold()
        # Strip accents: decompose, drop combining marks. This also removes
        # combining overlays used to disguise words ("k̸i̸l̸l̸").
        text = "".join(
            ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
        )
        text = text.translate(_CONFUSABLES).translate(_EMOJI)
    # An ellipsis is a pause, not punctuation that should split a phrase:
    # "i just... want to die".
    if ".." in text:
        text = _DOTS.sub(" ", text)
    if _SPELLED_HINT.search(text):
        text = _SPELLED.sub(_collapse_spelled, text)
    if _LEET_TRIGGER.search(text):
        text = _LEET_TOKEN.sub(_unleet_token, text)
    text = _INNER_PUNCT.sub("", text)
    text = " ".join(text.split())
    if _STACCATO_HINT.search(text):
        text = _STACCATO.sub(r"\1 ", text)
    return text


def normalize(text: str) -> str:
    """Return the matching skeleton of ``text``.

    Runs of three or more identical letters are reduced to two, which keeps
    genuine double letters ("kiiiilll" -> "kiill", "killll" -> "kill").
    """
    core = _core(text)
    return _LONG_RUN.sub(r"\1\1", core) if _TRIPLE.search(core) else core


def variants(text: str) -> tuple[str, ...]:
    """All skeletons of ``text`` that the detector should try, best guess first.

    An elongated letter may stand for a single letter ("diiiie") or a double
    one ("killll"); we cannot know which. With up to four elongated runs every
    combination is offered ("kiiiilllll" -> "kill" among them); beyond that
    only the all-two and all-one forms. Messages without elongation (nearly all
    of them) yield a single skeleton, so the common case costs nothing extra.
    """
    core = _core(text)
    if not _TRIPLE.search(core):
        return (core,)
    runs = list(_LONG_RUN.finditer(core))
    if not runs:
        return (core,)
    if len(runs) > _MAX_COMBINED_RUNS:
        return (_LONG_RUN.sub(r"\1\1", core), _LONG_RUN.sub(r"\1", core))
    out: list[str] = []
    for widths in itertools.product((2, 1), repeat=len(runs)):
        parts, last = [], 0
        for run, width in zip(runs, widths, strict=True):
            parts.append(core[last : run.start()])
            parts.append(run.group(1) * width)
            last = run.end()
        parts.append(core[last:])
        out.append("".join(parts))
    return tuple(out)
