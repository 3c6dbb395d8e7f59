"""How stage 2 is trained and tuned: the fixed split, grouped cross-validation
and the full detector's policy (crisis.corpus, crisis.model.cv)."""

from __future__ import annotations

from crisis import detect, full, scan
from crisis.corpus import SPLIT_PREFIXES, is_heldout, load_corpus, split
from crisis.model import cv, load_model


def test_later_writers_are_training_only_and_the_heldout_part_is_fixed():
    rows = load_corpus()
    train, heldout = split(rows)
    assert heldout, "the held-out part must not be empty"
    assert all(r["source"].startswith(SPLIT_PREFIXES) for r in heldout)
    # The held-out part is exactly the hashed share of the first four writers.
    first_four = [r for r in rows if r["source"].startswith(SPLIT_PREFIXES)]
    assert heldout == [r for r in first_four if is_heldout(r["text"])]
    # No text in both parts, even with other case or spacing.
    key = lambda r: " ".join(r["text"].casefold().split())  # noqa: E731
    assert not {key(r) for r in train} & {key(r) for r in heldout}


def test_a_late_writer_duplicate_of_a_heldout_message_is_not_trained_on():
    heldout_text = next(t for t in (f"message {i}" for i in range(1000)) if is_heldout(t))
    rows = [
        {"text": heldout_text, "source": "c1-01.jsonl:1"},
        {"text": "  " + heldout_text.upper(), "source": "c5-01.jsonl:1"},
        {"text": "something else entirely", "source": "c5-01.jsonl:2"},
    ]
    train, heldout = split(rows)
    assert [r["source"] for r in heldout] == ["c1-01.jsonl:1"]
    assert [r["source"] for r in train] == ["c5-01.jsonl:2"]


class _Recorder:
    """A stand-in for training: remembers what each fold was trained on."""

    def __init__(self) -> None:
        self.folds: list[set[str]] = []

    def __call__(self, rows):
        self.folds.append({r["source"] for r in rows})
        return self

    def predict(self, text, explain=False):
        return type("P", (), {"score": 0.5})()


def test_cross_validation_never_scores_a_writer_with_its_own_lines():
    rows = [
        {"text": f"{w} line {i}", "source": f"{w}-0{i}.jsonl:{i}"}
        for w in ("c1", "c2", "c3")
        for i in (1, 2)
    ]
    always = [{"text": "project", "source": "project"}]
    fit = _Recorder()
    scores = cv.grouped_scores(rows, fit, always=always)
    assert len(fit.folds) == 3 and scores == [0.5] * 6
    for trained, held in zip(fit.folds, ("c1", "c2", "c3"), strict=True):
        assert "project" in trained
        assert not any(s.startswith(held) for s in trained)
        assert len(trained) == 5  # the two other writers' four lines, plus the project's


def test_policy_choice_respects_the_false_positive_budget():
    exam = type("E", (), {})
    plain = exam()
    plain.verdict, plain.cancelled = scan("good morning"), None
    hit = exam()
    hit.verdict, hit.cancelled = scan("i want to kill myself"), None
    rows = [{"crisis": True}] * 4 + [{"crisis": False}] * 4
    exams = [plain, plain, hit, plain, plain, plain, hit, plain]
    scores = [0.9, 0.7, 0.5, 0.2, 0.8, 0.1, 0.01, 0.05]
    policy = cv.choose_policy(rows, exams, scores, max_fpr=0.25)
    recall, fpr = cv.figures(rows, exams, scores, policy)
    assert fpr <= 0.25
    # Vetoing the false alarm the lexicon raised (model score 0.01) frees the
    # budget for a threshold low enough to catch the 0.2 message; the 0.8
    # negative is the one false alarm left.
    assert policy.veto > 0.01 and policy.threshold <= 0.2 and recall == 1.0
    # Without room for even one false alarm, nothing but the vetoed hit may go.
    strict = cv.choose_policy(rows, exams, scores, max_fpr=0.0)
    assert cv.figures(rows, exams, scores, strict)[1] == 0.0


def test_a_near_zero_model_score_vetoes_a_lexicon_match(monkeypatch):
    text = "i want to kill myself"
    model = load_model()
    score = model.predict(text, explain=False).score
    assert score >= model.lexicon_veto  # the shipped model agrees with the rule
    assert detect(text) == scan(text)
    monkeypatch.setattr(model, "lexicon_veto", score + 0.01)
    monkeypatch.setattr(full, "_model", lambda: model)
    assert not detect(text).flagged
