"""Ordinary late-night chat is not a crisis; the same words with risk still are.

Found by trying the late-night room as a member would: the model flagged
"cant sleep tonight" as suicide and "going to bed, night all" as a goodbye,
which would have sent a card, an alert and an on-call page for every member
with insomnia. A training batch of everyday late-night chat (writer c7) fixed
it; these messages are not in any corpus, so this checks the fix generalises.
"""

from __future__ import annotations

import pytest

from crisis import detect

EVERYDAY = [
    "cant sleep tonight",
    "cant sleep again",
    "took my meds, cant sleep",
    "cant sleep again, the usual",
    "going to bed, night all",
    "anyone else up",
    "wide awake again lol",
    "gn all",
    "night shift again",
    "no puedo dormir",
    "buenas noches a todos",
    # Too short for the model to judge (crisis.full.MODEL_MIN_WORDS): it once
    # scored "after" alone as an overdose.
    "after",
    "after both",
    # Regret and time words the model once read as suicide or overdose ("I
    # wish I hadn't said this in the room", "before and after"); a batch of
    # such hard negatives (c8) fixed it. None of these is in it.
    "I wish I hadn't mentioned it in the chat earlier",
    "i really wish i hadn't brought my phone to the meeting",
    "after the trouble with the plumber we finally have hot water",
    "before and after pictures of the kitchen",
    "before and after lunch I feel sleepy",
    "the trouble started after dinner when the dog got out",
    "wish I hadn't laughed so loud in the room lol",
]

WITH_RISK = [
    ("cant sleep, i keep thinking everyone would be better off without me", "suicide"),
    ("took all my sleeping pills and feel weird", "overdose"),
    ("he hit me again tonight", "violence"),
    ("me quiero morir", "suicide"),
    ("i wish i hadnt woken up today, i dont want to be here anymore", "suicide"),
]


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_late_night_chat_is_not_a_crisis(text):
    verdict = detect(text)
    assert not verdict.flagged, (text, verdict.stage, verdict.reason)


@pytest.mark.parametrize(("text", "category"), WITH_RISK)
def test_the_same_words_with_risk_are(text, category):
    assert detect(text).category == category
