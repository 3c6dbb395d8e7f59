"""The full detector: stage 1 (the lexicon), then stage 2 (the model).

``detect(text)`` is what the message path should call. Stage 1 decides when
a rule matches: it is exact, explainable and editable. Only when no rule
matches does stage 2 run, and it flags the message when the model's crisis
score reaches the threshold stored in the model file. When stage 1 saw the
topic but cancelled it with a cue (negated, past, reported speech), the model
must reach the higher veto threshold instead: "two years ago i tried to end
it" should not be rescued by a model that has learned that "end it" matters.
The other way round, a rule match is dropped when the model is nearly
certain it is not a crisis (its score is below ``lexicon_veto``, chosen by
cross-validation, a few hundredths): most of the lexicon's false alarms are
recovery stories and idioms the model has seen plenty of.

The message path splits the two (``first_look`` before the message is
stored, ``second_look`` after the ack, off the event loop: docs/safety.md,
"Where stage 2 runs"); ``detect`` is the two one after the other, and the
split changes no verdict.

The model file is loaded once per process (and again if it changes on disk).
If it is missing or broken, ``detect`` logs an error once and carries on
with stage 1 alone: detection never stops because of stage 2.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from .detector import CLEAR, Verdict, _active_lexicon
from .model import DEFAULT_MODEL_PATH, Model, ModelError, load_model

__all__ = ["FirstLook", "detect", "distress_score", "first_look", "model_verdict", "second_look"]

logger = logging.getLogger(__name__)
_model_failed = False

#: Stage 2 judges messages of at least this many words. Below that a character
#: model has too little to go on and scores single everyday words ("after")
#: as a crisis; short crisis messages ("kms", "want to die", "od'ing") are the
#: lexicon's, which matches them exactly.
MODEL_MIN_WORDS = 3


def _model() -> Model | None:
    global _model_failed
    try:
        model = load_model(DEFAULT_MODEL_PATH)
    except ModelError as exc:
        if not _model_failed:
            _model_failed = True
            logger.error("Crisis model unusable, stage 2 is off: %s", exc)
        return None
    _model_failed = False
    return model


def model_verdict(text: str, *, cancelled: bool = False, model: Model | None = None) -> Verdict:
    """Stage 2 alone: the model's verdict on ``text`` (``cancelled``: stage 1
    found a cancel cue, so the stricter veto threshold applies)."""
    model = model or _model()
    if model is None or len(text.split()) < MODEL_MIN_WORDS:
        return CLEAR
    limit = model.veto_threshold if cancelled else model.threshold
    if model.predict(text, explain=False).score < limit:
        return CLEAR
    prediction = model.predict(text)  # again, with the explanation: rare
    return Verdict(
        prediction.category,
        None,
        None,
        "model",
        f"score {prediction.score:.2f} (threshold {limit:.2f}); "
        f"{prediction.category} {prediction.probabilities[prediction.category]:.2f}; "
        f"top features: {', '.join(prediction.top)}",
    )


@dataclass(frozen=True, slots=True)
class FirstLook:
    """What the detector knows before the model has judged a message.

    ``verdict`` is final when flagged (a phrase rule that the model did not
    veto). Otherwise ``model_due`` says whether stage 2 still has to judge
    the text (``second_look``), and ``cancelled`` whether stage 1 saw the
    topic but a cue cancelled it (the stricter veto threshold then applies)."""

    verdict: Verdict = CLEAR
    model_due: bool = False
    cancelled: bool = False


def first_look(text: str) -> FirstLook:
    """Stage 1, plus the model only to veto a rule match (rare: only messages
    that match a rule pay for it). Cheap enough for the send path."""
    examination = _active_lexicon().examine(text)
    if examination.verdict.flagged:
        model = _model()
        if model is None or model.predict(text, explain=False).score >= model.lexicon_veto:
            return FirstLook(examination.verdict)
        return FirstLook()
    return FirstLook(
        model_due=len(text.split()) >= MODEL_MIN_WORDS,
        cancelled=examination.cancelled is not None,
    )


def second_look(text: str, first: FirstLook) -> Verdict:
    """Stage 2 for a message ``first_look`` did not flag: the model's verdict."""
    if first.verdict.flagged or not first.model_due:
        return first.verdict
    return model_verdict(text, cancelled=first.cancelled)


def detect(text: str) -> Verdict:
    """Full detection: the lexicon first, the model if no rule matched.

    A rule match stands unless the model is nearly certain the message is
    not a crisis (score below the model file's ``lexicon_veto``)."""
    return second_look(text, first_look(text))


def distress_score(text: str) -> float:
    """The model's probability (0-1) that ``text`` is a crisis message of any
    kind, whatever the thresholds. Meant for ranking and soft signals (for
    example "this member may be struggling"), never to decide a crisis hand-off
    on its own; 0.0 if the model is unavailable."""
    model = _model()
    if model is None or not text or not text.strip():
        return 0.0
    return model.predict(text, explain=False).score
