"""Tests for the crisis-language detector: accuracy on the labelled corpus,
each normalisation step, lexicon validation, caching and pathological input.

None of these touch the database.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import shutil
import time
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crisis import (
    CATEGORIES,
    Lexicon,
    LexiconError,
    Verdict,
    load_lexicon,
    normalize,
    scan,
    set_lexicon_path,
)
from crisis.detector import DEFAULT_LEXICON_PATH, active_lexicon_path
from crisis.normalize import variants
from tests.crisis.corpus import CRISIS, SAFE

MIN_RECALL = 0.97
MAX_FALSE_POSITIVE_RATE = 0.03
MIN_CATEGORY_ACCURACY = 0.90


@pytest.fixture(autouse=True)
def _default_lexicon():
    """Every test starts and ends on the shipped lexicon."""
    set_lexicon_path(None)
    yield
    set_lexicon_path(None)


# --- accuracy on the corpus ---------------------------------------------------------


def _measure():
    misses = [(text, cat) for text, cat in CRISIS if not scan(text).flagged]
    flagged = [(text, cat, scan(text)) for text, cat in CRISIS if scan(text).flagged]
    wrong = [(text, cat, v.category) for text, cat, v in flagged if v.category != cat]
    false_positives = [(text, scan(text)) for text in SAFE if scan(text).flagged]
    recall = 1 - len(misses) / len(CRISIS)
    fpr = len(false_positives) / len(SAFE)
    accuracy = 1 - len(wrong) / len(flagged) if flagged else 0.0
    return recall, fpr, accuracy, misses, false_positives, wrong


def test_corpus_is_big_and_covers_every_category():
    assert len(CRISIS) + len(SAFE) >= 250
    counts = {c: sum(1 for _, cat in CRISIS if cat == c) for c in CATEGORIES}
    assert all(n >= 20 for n in counts.values()), counts
    assert {cat for _, cat in CRISIS} <= set(CATEGORIES)
    texts = [t for t, _ in CRISIS] + SAFE
    assert len(set(texts)) == len(texts), "duplicate messages in the corpus"


def test_recall_and_false_positive_rate():
    recall, fpr, accuracy, misses, false_positives, _ = _measure()
    summary = (
        f"recall {recall:.3f} on {len(CRISIS)} crisis messages, "
        f"false-positive rate {fpr:.3f} on {len(SAFE)} safe messages, "
        f"category accuracy {accuracy:.3f}"
    )
    print(summary)
    for text, cat in misses:
        print(f"  missed ({cat}): {text!r}")
    for text, verdict in false_positives:
        print(f"  false positive ({verdict.rule_id}): {text!r}")
    assert recall >= MIN_RECALL, f"{summary}; missed: {misses}"
    assert fpr <= MAX_FALSE_POSITIVE_RATE, f"{summary}; false positives: {false_positives}"


def test_category_accuracy():
    _, _, accuracy, _, _, wrong = _measure()
    print(f"category accuracy {accuracy:.3f} on flagged crisis messages")
    assert accuracy >= MIN_CATEGORY_ACCURACY, f"category accuracy {accuracy:.3f}; wrong: {wrong}"


# The statements the spec names explicitly, so a regression names the phrase.
MUST_FIRE = [
    ("everyone would be better off without me", "suicide"),
    ("I won't be here tomorrow", "suicide"),
    ("wrote my goodbye letters", "suicide"),
    ("I want to go to sleep and never wake up", "suicide"),
    ("I can't do this anymore, I want it all to end", "suicide"),
    ("I don't want to live anymore", "suicide"),
    ("took all my pills", "overdose"),
    ("I took too many pills", "overdose"),
    ("I think I overdosed", "overdose"),
    ("I used way too much and can't feel my legs", "overdose"),
    ("he hits me", "violence"),
    ("my partner hurts me", "violence"),
    ("I'm going to hurt him", "violence"),
    ("kys", "violence"),
    ("I've been cutting again", "self_harm"),
    ("I want to hurt myself", "self_harm"),
    ("kms", "suicide"),
    ("i want to unalive myself", "suicide"),
    ("thinking about sewer slide", "suicide"),
    ("gonna self delete", "suicide"),
    ("i think i od'd", "overdose"),
    ("im oding", "overdose"),
    ("quiero morir", "suicide"),
    ("me quiero matar", "suicide"),
    ("no quiero vivir", "suicide"),
    ("quiero suicidarme", "suicide"),
    ("tomé demasiadas pastillas", "overdose"),
    ("creo que tuve una sobredosis", "overdose"),
    ("me pega", "violence"),
    ("me hago daño", "self_harm"),
    ("quiero hacerme daño", "self_harm"),
    ("me corto", "self_harm"),
]

MUST_NOT_FIRE = [
    "this traffic is killing me",
    "I'd die for pizza",
    "killing it at work",
    "my phone died",
    "cut back on coffee",
    "dying to see that movie",
    "I almost died laughing",
    "that joke killed",
    "I'm not suicidal, just tired",
    "I don't want to kill myself, I just need to vent",
    "the suicide prevention walk is Saturday",
    "Narcan reverses an overdose",
    "my uncle died of an overdose years ago",
    "carry naloxone in case someone overdoses",
    "988 is the suicide and crisis lifeline",
    "90 days sober today!",
    "cravings are bad tonight",
    "went to a meeting",
]


@pytest.mark.parametrize(("text", "category"), MUST_FIRE)
def test_named_crisis_statements_fire(text, category):
    verdict = scan(text)
    assert verdict.flagged, text
    assert verdict.category == category, (text, verdict)


@pytest.mark.parametrize("text", MUST_NOT_FIRE)
def test_named_safe_statements_do_not_fire(text):
    assert scan(text) == Verdict(), text


def test_overdose_outranks_suicide_in_one_message():
    verdict = scan("I want to die so I took all my pills")
    assert verdict.category == "overdose"


def test_verdict_shape():
    verdict = scan("I want to kill myself")
    assert verdict.flagged
    assert verdict.category == "suicide"
    assert verdict.rule_id == "suicide.kill_myself"
    assert verdict.phrase == "kill myself"
    clear = scan("good morning")
    assert clear == Verdict(None, None, None)
    assert not clear.flagged
    with pytest.raises(dataclasses.FrozenInstanceError):
        verdict.category = "violence"  # type: ignore[misc]


def test_empty_and_whitespace_messages():
    assert not scan("").flagged
    assert not scan("   \n\t ").flagged


def test_phrase_is_reported_in_normalised_form():
    verdict = scan("I want to K 1 L L myself")
    assert verdict.phrase == "kill myself"


# --- normalisation ------------------------------------------------------------------


def test_nfkc_and_case_folding():
    assert normalize("I want to ＫＩＬＬ myself") == "i want to kill myself"  # fullwidth
    assert normalize("ﬁne") == "fine"  # ligature
    assert normalize("STRASSE Straße") == "strasse strasse"  # ß folds to ss
    assert normalize("𝐤𝐢𝐥𝐥") == "kill"  # mathematical bold


def test_accents_and_combining_marks_are_stripped():
    assert normalize("tomé demasiadas") == "tome demasiadas"
    assert normalize("daño") == "dano"
    assert normalize("k\u0338i\u0338l\u0338l\u0338") == "kill"  # combining overlay


@pytest.mark.parametrize(
    ("lookalike", "latin"),
    [
        ("\u0430", "a"),
        ("\u0435", "e"),
        ("\u043e", "o"),
        ("\u0440", "p"),
        ("\u0441", "c"),
        ("\u0443", "y"),
        ("\u0445", "x"),
        ("\u0456", "i"),
        ("\u0455", "s"),
        ("\u03bf", "o"),
        ("\u03b1", "a"),
        ("\u03b9", "i"),
        ("\u03bd", "v"),
        ("\u03ba", "k"),
        ("\u03c4", "t"),
        ("\u0410", "a"),  # capital Cyrillic A: case-folded first, then mapped
        ("\u039f", "o"),  # capital Greek omicron
    ],
)
def test_confusables_map_to_latin(lookalike, latin):
    assert normalize(f"q{lookalike}q") == f"q{latin}q"


INVISIBLE = [
    *range(0x200B, 0x2010),
    *range(0x202A, 0x202F),
    *range(0x2060, 0x2065),
    *range(0x2066, 0x206A),
    0xFEFF,
    0x00AD,
]


@pytest.mark.parametrize("codepoint", INVISIBLE, ids=lambda cp: f"U+{cp:04X}")
def test_invisible_characters_are_removed(codepoint):
    assert normalize(f"ki{chr(codepoint)}ll myself") == "kill myself"


def test_control_characters():
    assert normalize("kill\x00 my\x1bself") == "kill myself"  # C0 controls removed
    assert normalize("kill\x9b myself") == "kill myself"  # C1 control removed
    assert normalize("want\nto\tdie\r\nnow") == "want to die now"  # breaks become spaces
    assert normalize("want\u2028to die") == "want to die"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("k1ll", "kill"),
        ("d13", "die"),
        ("5u1c1d3", "suicide"),
        ("0verd0sed", "overdosed"),
        ("h@te", "hate"),
        ("$elf", "self"),
        ("k!ll", "kill"),
        ("4lone", "alone"),
        ("7ired", "tired"),
    ],
)
def test_leetspeak_inside_words(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    "text",
    [
        "call 988",
        "911",
        "room 101 at 3pm",
        "meeting at 7:30pm",
        "90 days sober",
        "I take 20mg",
        "born in 2024",
        "help!!!",
        "1-800-662-4357",
    ],
)
def test_numbers_and_shouting_survive(text):
    assert normalize(text) == text.lower()


def test_dots_inside_words_are_folded_but_numbers_kept():
    # The matcher only needs the words; "988" must stay a number.
    assert normalize("https://988lifeline.org") == "https://988lifelineorg"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("k i l l myself", "kill myself"),
        ("s.u.i.c.i.d.e", "suicide"),
        ("k-i-l-l", "kill"),
        ("k_i_l_l", "kill"),
        ("k * i * l * l", "kill"),
        ("k 1 l l", "kill"),  # spelled out and leet together
        ("d . i . e", "die"),
    ],
)
def test_spelled_out_letters_collapse(raw, expected):
    assert normalize(raw) == expected


def test_spelled_out_needs_three_letters_and_leaves_numbers():
    assert normalize("i am ok") == "i am ok"
    assert normalize("a b") == "a b"
    assert normalize("9 8 8") == "9 8 8"
    assert normalize("e.g. this") == "eg this"  # dots inside a word are folded


def test_repeated_letters():
    assert normalize("diiiiie") == "diie"  # at most two...
    assert "die" in variants("diiiiie")  # ...and the one-letter form is tried too
    assert normalize("killlll") == "kill"
    assert "kill" in variants("kiiiilllll")  # mixed runs: every combination
    assert normalize("good coffee") == "good coffee"  # genuine doubles untouched
    assert variants("good coffee") == ("good coffee",)


def test_whitespace_and_ellipsis():
    assert normalize("  i   just… want\u00a0to die  ") == "i just want to die"
    assert normalize("i just... want to die") == "i just want to die"


def test_apostrophes_are_unified():
    assert normalize("I don\u2019t want to live") == "i don't want to live"
    assert normalize("I don`t") == "i don't"


@settings(max_examples=150, derandomize=True, deadline=None)
@given(st.text(max_size=300))
def test_normalize_and_scan_accept_any_text(text):
    once = normalize(text)
    assert normalize(once) == once  # idempotent
    verdict = scan(text)
    assert verdict.category in (None, *CATEGORIES)


@settings(max_examples=60, derandomize=True, deadline=None)
@given(st.sampled_from([t for t, _ in CRISIS]), st.sampled_from(["\u200b", "\u200d", "\u2060"]))
def test_zero_width_characters_never_hide_a_crisis(text, invisible):
    disguised = invisible.join(text)
    assert scan(disguised).flagged == scan(text).flagged


def test_every_normalised_form_is_plain():
    for text, _ in CRISIS:
        for form in variants(text):
            assert not any(unicodedata.category(ch) in ("Cf", "Cc", "Mn") for ch in form), text


# --- performance guard: no pathological backtracking ---------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "a" * 20_000,
        "k i l l " * 2_000,
        "!" * 10_000,
        "i want to " * 1_500,
        "\u200b" * 10_000 + "kill myself",
        "kiiiii" * 2_000,
        "k.i.l.l." * 2_000,
        "a1" * 10_000,
        "don't want to " * 1_000,
        "he he he he " * 2_000,
    ],
    ids=lambda t: repr(t[:12]),
)
def test_long_hostile_input_is_fast(text):
    load_lexicon()  # compile first: only the scan itself is timed
    start = time.perf_counter()
    scan(text)
    assert time.perf_counter() - start < 1.0


# --- lexicon files: validation ---------------------------------------------------------


def _lexicon(**overrides):
    data = {
        "version": "test-1",
        "rules": [
            {
                "id": "test.banana",
                "category": "violence",
                "patterns": ["banana split"],
                "examples": ["a banana split please"],
            }
        ],
        "exclusions": [],
    }
    data.update(overrides)
    return data


def _write(tmp_path, data, name="lexicon.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def test_minimal_lexicon_loads_and_matches(tmp_path):
    lexicon = load_lexicon(_write(tmp_path, _lexicon()))
    assert lexicon.version == "test-1"
    assert lexicon.scan("I'd like a banana split").category == "violence"
    assert lexicon.scan("bananasplit").flagged  # a space means "optional space"
    assert lexicon.scan("b a n a n a split").flagged  # ...so spelled-out words match
    assert not lexicon.scan("bananas splits").flagged  # anchored at word edges
    assert not lexicon.scan("I want to kill myself").flagged  # only this file's rules


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d["rules"][0].update(category="sadness"),
            "rule 'test.banana': unknown category",
        ),
        (lambda d: d["rules"][0].update(patterns=["banana (split"]), "rule 'test.banana': invalid"),
        (lambda d: d["rules"][0].pop("id"), "rule #1: missing 'id'"),
        (lambda d: d["rules"].append(dict(d["rules"][0])), "rule 'test.banana': duplicated id"),
        (lambda d: d.pop("version"), "missing top-level 'version'"),
        (lambda d: d.update(rules=[]), "'rules' must be a non-empty list"),
        (lambda d: d["rules"][0].update(patterns=[]), "rule 'test.banana': 'patterns' must be"),
        (lambda d: d["rules"][0].pop("patterns"), "rule 'test.banana': has no 'patterns'"),
        (lambda d: d["rules"][0].update(patterns=["{fruit} split"]), "unknown definition {fruit}"),
        (lambda d: d["rules"][0].update(patterns=["Banana split"]), "upper-case"),
        (lambda d: d["rules"][0].update(patterns=["(?P<x>banana)"]), "named groups"),
        (lambda d: d["rules"][0].update(patterns=["(b)anana \\1"]), "back-references"),
        (lambda d: d["rules"][0].update(id="Bad Id"), "ids use lower-case"),
        (lambda d: d["rules"][0].update(exmaples=["x"]), "unknown field(s) exmaples"),
        (lambda d: d.update(exclusion=[]), "unknown top-level field(s) exclusion"),
        (
            lambda d: d["rules"][0].update(examples=["an apple pie"]),
            "rule 'test.banana': its example 'an apple pie' is not detected",
        ),
        (
            lambda d: d.update(exclusions=[{"id": "x.split", "patterns": ["banana split"]}]),
            "its example 'a banana split please' is not detected",
        ),
        (
            lambda d: d.update(
                exclusions=[{"id": "x.s", "patterns": ["split"], "categories": ["grief"]}]
            ),
            "exclusion 'x.s': unknown category 'grief'",
        ),
        (
            lambda d: d.update(exclusions=[{"id": "test.banana", "patterns": ["x"]}]),
            "exclusion 'test.banana': duplicated id",
        ),
    ],
)
def test_invalid_lexicons_are_rejected_with_the_rule_named(tmp_path, mutate, message):
    data = _lexicon()
    mutate(data)
    with pytest.raises(LexiconError) as excinfo:
        load_lexicon(_write(tmp_path, data))
    assert message in str(excinfo.value)


def test_broken_json_and_missing_files(tmp_path):
    with pytest.raises(LexiconError, match="not valid JSON"):
        load_lexicon(_write(tmp_path, '{"version": 1, "rules": [}'))
    with pytest.raises(LexiconError, match="cannot read lexicon"):
        load_lexicon(tmp_path / "nope.json")
    with pytest.raises(LexiconError, match="top level must be an object"):
        load_lexicon(_write(tmp_path, "[1, 2]"))


def test_definitions_and_exclusions(tmp_path):
    data = _lexicon(
        definitions={"fruit": "banana|mango"},
        rules=[{"id": "t.fruit", "category": "suicide", "patterns": ["{fruit} split"]}],
        exclusions=[
            {
                "id": "t.menu",
                "patterns": ["menu says {fruit} split"],
                "categories": ["suicide"],
                "examples": ["the menu says mango split"],
            }
        ],
    )
    lexicon = load_lexicon(_write(tmp_path, data))
    assert lexicon.scan("mango split").rule_id == "t.fruit"
    assert not lexicon.scan("the menu says mango split").flagged
    # An excluded match does not hide a real one later in the message.
    assert lexicon.scan("the menu says mango split and I want a banana split").flagged


def test_shipped_lexicon_is_valid_and_versioned():
    lexicon = load_lexicon(DEFAULT_LEXICON_PATH)
    assert lexicon.version
    assert {rule.category for rule in lexicon.rules} == set(CATEGORIES)
    assert all(rule.examples for rule in lexicon.rules), "every rule documents an example"
    assert lexicon.needles, "the shipped lexicon should be prefilterable"


def test_prefilter_never_changes_the_verdict():
    """The literal prefilter is an optimisation only: running every rule on
    every message must give exactly the same verdicts."""
    filtered = load_lexicon()
    unfiltered = Lexicon(json.loads(DEFAULT_LEXICON_PATH.read_text(encoding="utf-8")))
    unfiltered._prefilter = None
    texts = [t for t, _ in CRISIS] + SAFE
    assert [filtered.scan(t) for t in texts] == [unfiltered.scan(t) for t in texts]


# --- caching and configuration ----------------------------------------------------------


def test_set_lexicon_path_switches_and_restores(tmp_path):
    custom = _write(tmp_path, _lexicon())
    assert not scan("banana split").flagged
    set_lexicon_path(custom)
    assert active_lexicon_path() == custom
    assert scan("banana split").category == "violence"
    assert not scan("I want to kill myself").flagged
    set_lexicon_path(None)
    assert active_lexicon_path() == DEFAULT_LEXICON_PATH
    assert not scan("banana split").flagged
    assert scan("I want to kill myself").flagged


def test_compiled_lexicon_is_cached_until_the_file_changes(tmp_path):
    path = _write(tmp_path, _lexicon())
    first = load_lexicon(path)
    assert load_lexicon(path) is first
    data = _lexicon()
    data["rules"][0]["patterns"] = ["mango split"]
    data["rules"][0]["examples"] = ["mango split"]
    _write(tmp_path, data)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    second = load_lexicon(path)
    assert second is not first
    assert second.scan("mango split").flagged
    assert not second.scan("banana split").flagged


def test_django_setting_selects_the_lexicon(tmp_path, settings):
    custom = _write(tmp_path, _lexicon())
    settings.CRISIS_LEXICON_PATH = str(custom)
    assert scan("banana split").category == "violence"
    del settings.CRISIS_LEXICON_PATH
    assert not scan("banana split").flagged


def test_broken_configured_lexicon_falls_back_to_shipped(tmp_path, settings, caplog):
    broken = _write(tmp_path, '{"version": 1, "rules": [{"id": "x", "category": "nope"}]}')
    settings.CRISIS_LEXICON_PATH = str(broken)
    with caplog.at_level(logging.ERROR, logger="crisis.detector"):
        assert scan("I want to kill myself").category == "suicide"
        assert scan("I want to die").category == "suicide"
    errors = [r for r in caplog.records if "unusable" in r.getMessage()]
    assert len(errors) == 1, "logged once, not once per message"
    assert "unknown category 'nope'" in errors[0].getMessage()


def test_copy_of_shipped_lexicon_behaves_the_same(tmp_path):
    copy = tmp_path / "copy.json"
    shutil.copy(DEFAULT_LEXICON_PATH, copy)
    set_lexicon_path(copy)
    assert [scan(t) for t, _ in CRISIS[:40]] == [
        load_lexicon(DEFAULT_LEXICON_PATH).scan(t) for t, _ in CRISIS[:40]
    ]
