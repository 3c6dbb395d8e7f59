"""Stage 2 in a child process (crisis.worker) says what stage 2 in-process says."""

from __future__ import annotations

import os

import pytest

from crisis import first_look, second_look
from crisis.worker import ModelProcess, WorkerGone
from tests.test_crisis_feedback import STAGE2_CANDIDATES


def judged(process: ModelProcess, text: str, first) -> object:
    """The model process's verdict on one message (a batch of one)."""
    return process.judge_many([(text, first)])[0]


EVERYDAY = (
    "Made it to my morning meeting again, that's five days in a row.",
    "Family dinner tonight. Nervous. Any tips for saying no politely?",
    "no puedo dormir, alguien despierto por aquí?",
)


@pytest.fixture
def child():
    process = ModelProcess()
    process.start()
    assert process.wait_ready(60), "the model process never said it was ready"
    yield process
    process.stop()


def test_the_model_process_gives_the_in_process_verdict(child):
    for text in (*STAGE2_CANDIDATES, *EVERYDAY, "two years ago i tried to end it, not now"):
        first = first_look(text)
        assert judged(child, text, first) == second_look(text, first), text
    assert any(judged(child, t, first_look(t)).stage == "model" for t in STAGE2_CANDIDATES)


def test_a_dead_model_process_is_reported_and_started_again(child):
    text = STAGE2_CANDIDATES[0]
    child._child.kill()
    child._child.wait()
    with pytest.raises(WorkerGone):
        judged(child, text, first_look(text))
    assert child.wait_ready(60), "started again"
    assert judged(child, text, first_look(text)) == second_look(text, first_look(text))


def test_the_model_process_yields_the_cpu_to_the_server():
    # Its answer has a second; members wait for the server's acks at once.
    process = ModelProcess(nice=7)
    process.start()
    try:
        assert process.wait_ready(60)
        mine = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, process.pid) == min(mine + 7, 19)
        text = STAGE2_CANDIDATES[0]
        assert judged(process, text, first_look(text)) == second_look(text, first_look(text))
    finally:
        process.stop()


def test_a_batch_is_judged_in_one_round_trip_and_in_order(child):
    texts = [*EVERYDAY, *STAGE2_CANDIDATES, "i want to die", "ok", *EVERYDAY]
    items = [(text, first_look(text)) for text in texts]
    # Stage 1's own verdicts (a rule hit, a message too short for the model)
    # come back as they are; the rest from the one request to the child.
    assert child.judge_many(items) == [second_look(text, first) for text, first in items]
    assert child.judge_many([]) == []


def test_an_answer_that_does_not_fit_the_batch_counts_as_a_lost_process(child):
    text = STAGE2_CANDIDATES[0]
    child._child.stdin.write('"not a list"\n')  # the child answers [] for a bad request
    child._child.stdin.flush()
    with pytest.raises(WorkerGone):
        child.judge_many([(text, first_look(text)), (text, first_look(text))])
    with pytest.raises(WorkerGone):  # stopped; the next question starts it again
        judged(child, text, first_look(text))
    assert child.wait_ready(60), "started again"
    assert judged(child, text, first_look(text)) == second_look(text, first_look(text))
