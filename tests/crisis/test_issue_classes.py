"""Stage 1 (the lexicon) against each class of miss named in issue 20.

Each test exercises a general mechanism (subject-optional rules, cues,
spelling tolerance, ...) with several made-up messages, not the corpus.
"""

from __future__ import annotations

import pytest

from crisis import normalize, scan, set_lexicon_path


@pytest.fixture(autouse=True)
def _default_lexicon():
    set_lexicon_path(None)
    yield
    set_lexicon_path(None)


def _assert_fires(cases):
    for text, category in cases:
        verdict = scan(text)
        assert verdict.category == category, (text, verdict)
        assert verdict.stage == "lexicon" and verdict.rule_id in verdict.reason


def _assert_quiet(texts):
    for text in texts:
        assert not scan(text).flagged, (text, scan(text))


def test_dropped_subject_fires_like_the_first_person_form():
    _assert_fires(
        [
            ("cut myself again tonight", "self_harm"),
            ("burned myself with a lighter after dinner", "self_harm"),
            ("wanna die tonight honestly", "suicide"),
            ("gonna end it tonight", "suicide"),
            ("overdosed again, help", "overdose"),
            ("took 40 of my seroquel", "overdose"),
            ("punched me in the face again", "violence"),
        ]
    )


def test_being_hurt_with_a_preposition_after_me():
    _assert_fires(
        [
            ("he punched me in the stomach", "violence"),
            ("she kicked me in the ribs last night", "violence"),
            ("my boyfriend beat me up again", "violence"),
            ("he choked me out", "violence"),
            ("he locked me in the bedroom", "violence"),
        ]
    )
    _assert_quiet(["hit me up later", "my cousin is hitting me up about fishing"])


def test_someone_else_hurt_now_weapons_and_break_ins():
    _assert_fires(
        [
            ("my stepdad is hitting my mom right now", "violence"),
            ("he's got a knife to my sister", "violence"),
            ("someone is breaking into my house", "violence"),
            ("someone is in my apartment right now", "violence"),
        ]
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("end. my. life.", "end my life."),
        ("kill. myself.", "kill myself."),
        ("k-i-l-l my-self", "kill myself"),
        ("i want to 3nd it", "i want to end it"),
        ("\U0001f52a myself", "knife myself"),
        ("\U0001f48a\U0001f48a tonight", "pills pills tonight"),
    ],
)
def test_normaliser_folds_punctuation_emoji_and_fake_ordinals(raw, expected):
    assert normalize(raw) == expected


def test_real_ordinals_and_sentences_keep_their_shape():
    assert normalize("my 3rd meeting, 22nd day") == "my 3rd meeting, 22nd day"
    assert normalize("no, i am fine. just tired") == "no, i am fine. just tired"


def test_obfuscated_phrases_fire():
    _assert_fires(
        [
            ("end. my. life.", "suicide"),
            ("i want to k*ll myself", "suicide"),
            ("su*cide tonight", "suicide"),
            ("k-i-l-l my-self", "suicide"),
            ("iwanttodie", "suicide"),
            ("gonnakillmyself", "suicide"),
            ("3nd my l1fe", "suicide"),
        ]
    )


def test_everyday_misspellings_are_tolerated():
    _assert_fires(
        [
            ("gona kill myslef tonite", "suicide"),
            ("i wana die", "suicide"),
            ("thinkin about sucide", "suicide"),
            ("cuttin myself agin", "self_harm"),
            ("i want to kil myself", "suicide"),
        ]
    )


def test_misspelling_tolerance_never_turns_everyday_words_into_crisis_words():
    _assert_quiet(
        [
            "i will call you later",
            "drying my hair then heading to the meeting",
            "sending it all to my sponsor",
            "i feel odd today",
            "spills everywhere in the kitchen lol",
        ]
    )


def test_bare_crisis_word_with_a_time_marker():
    _assert_fires(
        [
            ("suicide tonight", "suicide"),
            ("kms tonight", "suicide"),
            ("unalive rn", "suicide"),
            ("end it this weekend", "suicide"),
        ]
    )


def test_indirect_goodbyes_and_methods():
    _assert_fires(
        [
            ("this is my last message, love you all", "suicide"),
            ("goodbye everyone, thank you for everything", "suicide"),
            ("please take care of my cat for me when i'm gone", "suicide"),
            ("giving all my stuff away this week", "suicide"),
            ("standing on the bridge right now", "suicide"),
            ("the rope is ready", "suicide"),
            ("loaded my dad's gun tonight", "suicide"),
            ("looked up how many of my sleeping pills it would take", "suicide"),
        ]
    )


def test_slang_and_algospeak():
    _assert_fires(
        [
            ("thinking about sewerslide again", "suicide"),
            ("gonna ctb tonight", "suicide"),
            ("ready to log off permanently", "suicide"),
            ("cut to beans last night", "self_harm"),
            ("kys loser", "violence"),
        ]
    )


def test_overdose_numbers_doses_symptoms_and_tolerance():
    _assert_fires(
        [
            ("took like 30 xanax", "overdose"),
            ("doubled my dose of seroquel and then some", "overdose"),
            ("used again after 3 months clean and i can't breathe right", "overdose"),
            ("took a bunch of oxy and my lips are going numb", "overdose"),
            ("my friend isn't waking up", "overdose"),
            ("90 days clean and i just did my old amount", "overdose"),
        ]
    )
    _assert_quiet(["i can't breathe when i laugh this hard", "my doctor doubled my dose"])


def test_spanish_forms_threats_and_farewells():
    _assert_fires(
        [
            ("me voy a matar", "suicide"),
            ("ya no quiero vivir", "suicide"),
            ("esta es mi despedida", "suicide"),
            ("adios a todos, los quiero", "suicide"),
            ("voy a matarlo", "violence"),
            ("lo voy a matar", "violence"),
            ("me volvi a cortar", "self_harm"),
        ]
    )


def test_cues_cancel_past_negated_and_reported_statements():
    _assert_quiet(
        [
            "two years ago i tried to kill myself, today i'm 400 days sober",
            "i used to want to die, now i chair the meeting",
            "i cut myself when i was a teenager",
            "i'm not going to kill myself, just need to vent",
            "i would never hurt myself",
            "no me voy a matar, solo estoy cansada",
            "my counselor asked if i ever want to die",
            'the song goes "i want to die" and it slaps',
            "if i ever feel like killing myself i call my sponsor",
        ]
    )


def test_present_markers_keep_a_match_alive_despite_past_or_negation_nearby():
    _assert_fires(
        [
            ("i got sober years ago and tonight i want to kill myself", "suicide"),
            ("i used to be ok but now i want to die", "suicide"),
            ("i'm not ok. i want to die", "suicide"),
            ("no, i want to die", "suicide"),
        ]
    )
