"""How urgent a flagged crisis message reads, in Spanish as in English: a time, a
plan or a decision puts the person first in the queue (moderation/urgency.py)."""

from __future__ import annotations

import pytest

from moderation.urgency import FEELING, IMMEDIATE, NOW, is_immediate, urgency_of


@pytest.mark.parametrize(
    "text",
    [
        "Ya no quiero vivir, esta noche lo hago",
        "quiero matarme AHORA MISMO",
        "ya no aguanto más",
        "Ya tengo un plan y lo tengo decidido",
        "mañana me voy a ir para siempre",
        "le escribí una carta a mi mamá, es mi último mensaje",
        "en unos minutos me tomo todas las pastillas",
        "estoy a punto de hacerlo",
        "hoy mismo se acaba todo",
    ],
)
def test_spanish_time_plan_or_decision_reads_as_immediate(text):
    assert is_immediate(text)
    assert urgency_of(category="suicide", text=text) == IMMEDIATE


@pytest.mark.parametrize(
    "text",
    [
        "a veces siento que no valgo nada",
        "me cuesta mucho levantarme",
        "pienso en morirme de vez en cuando",
    ],
)
def test_spanish_feelings_without_a_time_stay_feelings(text):
    assert not is_immediate(text)
    assert urgency_of(category="suicide", text=text) == FEELING


def test_violence_with_a_time_is_happening_now_in_spanish_too():
    assert urgency_of(category="violence", text="está aquí y me va a pegar ahora") == NOW
    assert urgency_of(category="overdose", text="se tomó todo") == NOW


def test_english_still_reads_the_same():
    assert urgency_of(category="suicide", text="I'm going to do it tonight") == IMMEDIATE
    assert urgency_of(category="suicide", text="I feel worthless") == FEELING
