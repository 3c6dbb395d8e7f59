"""Stage 2 (the learned classifier) and the full detector, ``detect``."""

from __future__ import annotations

import json
import logging
import random
from array import array

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from crisis import (
    CATEGORIES,
    Verdict,
    detect,
    distress_score,
    full,
    scan,
    set_lexicon_path,
)
from crisis.features import MAX_CHARS, bucket_indices, extract, feature_strings
from crisis.model import (
    DEFAULT_MODEL_PATH,
    MAGIC,
    Model,
    ModelError,
    load_model,
    parse_model,
)
from crisis.model import train as training
from tests.crisis.corpus import CRISIS, SAFE

MIN_RECALL = 0.97
MAX_FALSE_POSITIVE_RATE = 0.03

# Made-up messages no lexicon rule covers, one per category and Spanish: what
# stage 2 is for. (Not from the training corpus.)
STAGE2_ONLY = [
    ("everything is packed and the letters are on the table, tonight i go to the river", "suicide"),
    ("im at the top of the parking garage looking down", "suicide"),
    ("my chest feels tight and i cant feel my fingers after the bag i just did", "overdose"),
    ("hes outside my door with a bat screaming he will end me", "violence"),
    ("i sliced my arm open again with the razor from the sharpener", "self_harm"),
    ("ya junté todas las pastillas y escribí la carta, hoy es la noche", "suicide"),
]


@pytest.fixture(autouse=True)
def _default_lexicon():
    set_lexicon_path(None)
    yield
    set_lexicon_path(None)


def test_shipped_model_loads_with_its_header():
    model = load_model()
    assert model.classes == (
        "ok",
        *sorted(CATEGORIES, key=("suicide", "self_harm", "overdose", "violence").index),
    )
    assert 0 < model.threshold <= model.veto_threshold < 1
    assert model.header["corpus_sha256"]
    assert DEFAULT_MODEL_PATH.stat().st_size < 2_000_000  # versioned in git: keep it small


def test_features_are_deterministic_and_process_independent():
    # CRC-32, not Python's salted hash: the same buckets in every process.
    assert extract("i want to die", 18) == extract("i want to die", 18)
    indices, features = extract("die", 18)
    assert "c di" in features and "w die" in features
    assert all(0 <= i < 2**18 for i in indices)
    assert feature_strings("I WANT TO DIE") == feature_strings("i want to die")


def _reference_sums(model_bytes: bytes, indices: list[int]) -> list[int]:
    """Each class's weight sum read straight from the file's signed bytes."""
    header, weights = parse_model(model_bytes)
    size = 1 << int(header["bits"])
    tables = [array("b", weights[k * size : (k + 1) * size]) for k in range(5)]
    return [sum(table[i] for i in indices) for table in tables]


_CHAT_TEXT = st.text(
    alphabet=st.sampled_from("abcdeiklmnostuy '.-*!?0134 \u00e9\u00f1\u00fc\U0001f48a\u200b"),
    max_size=120,
)


@hypothesis_settings(max_examples=300, deadline=None)
@given(_CHAT_TEXT)
def test_fast_bucket_indices_are_the_features_buckets(text):
    # The model adds up bucket_indices; training and explanations use extract.
    assert sorted(bucket_indices(text, 18)) == sorted(extract(text, 18)[0])


def test_fast_bucket_indices_on_the_corpus():
    for text in [*(t for t, _ in CRISIS), *SAFE, "", "x" * 5000, "caf\u00e9 k*ll \U0001f52a"]:
        assert sorted(bucket_indices(text, 18)) == sorted(extract(text, 18)[0]), text


def test_packed_weights_add_up_exactly_like_the_files_bytes():
    model = load_model()
    data = DEFAULT_MODEL_PATH.read_bytes()
    for text in [t for t, _ in CRISIS[:200]] + list(SAFE[:200]):
        indices = extract(text, model.bits)[0]
        assert model.sums(indices) == _reference_sums(data, indices), text
    assert [model.weight(k, 12345) for k in range(5)] == _reference_sums(data, [12345])


def test_packed_weights_hold_the_longest_message_at_the_extreme_weights():
    # Every weight at either end of a signed byte, every feature of a message
    # of MAX_CHARS distinct-ish characters in few buckets: no field may carry
    # into its neighbour.
    header = {
        "bits": 4,
        "classes": ["ok", "suicide", "self_harm", "overdose", "violence"],
        "scales": [1.0] * 5,
        "biases": [0.0] * 5,
        "threshold": 0.5,
        "veto_threshold": 0.6,
    }
    weights = bytes([0x7F] * 16 + [0x80] * 16 + [0x7F] * 16 + [0x80] * 16 + [0x7F] * 16)
    data = MAGIC + json.dumps(header).encode() + b"\n" + weights
    model = Model(*parse_model(data))
    rng = random.Random(7)
    text = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz     ") for _ in range(MAX_CHARS))
    indices = extract(text, 4)[0]
    assert len(indices) > 3500
    n = len(indices)
    assert model.sums(indices) == [127 * n, -128 * n, 127 * n, -128 * n, 127 * n]
    assert model.sums(indices) == _reference_sums(data, indices)


def test_predictions_are_deterministic_and_explained():
    model = load_model()
    first = model.predict("i have the pills lined up and i'm saying goodbye")
    again = model.predict("i have the pills lined up and i'm saying goodbye")
    assert first == again
    assert 0.0 <= first.score <= 1.0
    assert first.category in CATEGORIES
    assert len(first.top) == 4


def test_detect_uses_the_lexicon_first():
    verdict = detect("I want to kill myself")
    assert verdict == scan("I want to kill myself")
    assert verdict.stage == "lexicon"


@pytest.mark.parametrize(("text", "category"), STAGE2_ONLY)
def test_detect_falls_back_to_the_model_and_says_why(text, category):
    model = load_model()
    assert not scan(text).flagged  # stage 1 alone misses it
    verdict = detect(text)
    # Stage 2 reports itself, with its score and the features that weighed most.
    assert verdict.category == category
    assert verdict.stage == "model"
    assert verdict.rule_id is None and verdict.phrase is None
    assert verdict.reason.startswith("score ") and "top features:" in verdict.reason
    assert model.predict(text).score >= model.threshold


def test_quiet_messages_stay_quiet():
    for text in [
        "",
        "   ",
        "good morning everyone",
        "90 days sober today!",
        "see you at the meeting",
    ]:
        assert detect(text) == Verdict(), text


def test_cancel_cue_raises_the_bar_for_the_model(monkeypatch):
    text = "two years ago i tried to kill myself, today i'm 400 days sober"
    assert not scan(text).flagged
    model = load_model()
    score = model.predict(text).score
    # With the stricter veto threshold at or above the score, the model cannot
    # overrule the cue; with the plain threshold below it, it could have.
    monkeypatch.setattr(model, "veto_threshold", max(score + 0.01, model.threshold))
    monkeypatch.setattr(model, "threshold", min(score - 0.01, model.threshold))
    monkeypatch.setattr(full, "_model", lambda: model)
    assert not detect(text).flagged


def test_full_detector_on_the_project_corpus():
    misses = [t for t, _ in CRISIS if not detect(t).flagged]
    false_positives = [t for t in SAFE if detect(t).flagged]
    recall = 1 - len(misses) / len(CRISIS)
    fpr = len(false_positives) / len(SAFE)
    print(f"full detector: recall {recall:.3f}, false-positive rate {fpr:.3f}")
    assert recall >= MIN_RECALL, misses
    assert fpr <= MAX_FALSE_POSITIVE_RATE, false_positives


def test_priority_overdose_first_in_the_full_detector():
    assert detect("I want to die so I took all my pills").category == "overdose"


def test_distress_score_is_a_probability():
    low = distress_score("see you at the meeting tonight")
    high = distress_score("i want to kill myself tonight")
    assert 0.0 <= low < high <= 1.0
    assert distress_score("") == 0.0


def test_broken_model_file_is_rejected_with_a_reason(tmp_path):
    bad = tmp_path / "model.kcm"
    bad.write_bytes(b"not a model")
    with pytest.raises(ModelError, match="bad magic"):
        load_model(bad)
    header, weights = parse_model(DEFAULT_MODEL_PATH.read_bytes())
    with pytest.raises(ModelError, match="wrong size"):
        Model(header, weights[:-1])
    with pytest.raises(ModelError, match="cannot read model"):
        load_model(tmp_path / "missing.kcm")


def test_missing_model_leaves_stage_one_working(monkeypatch, tmp_path, caplog):
    monkeypatch.setattr(full, "DEFAULT_MODEL_PATH", tmp_path / "missing.kcm")
    monkeypatch.setattr(full, "_model_failed", False)
    with caplog.at_level(logging.ERROR, logger="crisis.full"):
        assert detect("I want to kill myself").category == "suicide"
        assert detect("hello there") == Verdict()
        assert detect("hello again") == Verdict()
    assert sum("stage 2 is off" in r.message for r in caplog.records) == 1


def test_training_is_reproducible():
    pytest.importorskip("sklearn")
    rows = [{"text": t, "crisis": True, "category": c} for t, c in CRISIS[:80]]
    rows += [{"text": t, "crisis": False, "category": None} for t in SAFE[:80]]
    first = training.quantise(*training.fit(rows, bits=12, c=5.0), 12)
    second = training.quantise(*training.fit(rows, bits=12, c=5.0), 12)
    assert first == second
    assert first.startswith(MAGIC)
