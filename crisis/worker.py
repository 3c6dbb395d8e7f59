"""Stage 2 in a process of its own: ``python -m crisis.worker``.

The model is pure Python: a few tenths of a millisecond of CPU a message
(docs/safety.md, "Cost per message"). Run in the server's own process, even in
a background thread, that time holds the interpreter lock the event loop and
the senders need. In a child
process it runs on the machine's other core instead. The protocol is one JSON
line each way over stdin and stdout, a batch of messages and their answers in
order:

    in:  [{"text": "...", "cancelled": false}, ...]
    out: [{"category": "suicide", "stage": "model", "reason": "score 0.93 ..."}, {}, ...]
         ({} when the model does not flag the text; [] for a line that is not a list)

A batch is one write and one read for the parent's thread however many
messages it holds: each read or write is a time the thread must take the
interpreter lock back from the event loop.

The child lowers its own scheduling priority by ``--nice N`` first: its
answer has a second to arrive, while the server's event loop and senders are
waited on by members at once, so on a busy machine they go first.

The first line out is ``{"ready": true}``, once the model is loaded (or failed
to load: then every answer is ``{}``, and the error went to stderr, as with
:func:`crisis.full.model_verdict` in-process). :class:`ModelProcess` is the
parent's side.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
from typing import IO

from .detector import CLEAR, Verdict
from .full import FirstLook, _model, second_look

__all__ = ["ANSWER_WITHIN", "ModelProcess", "WorkerGone", "main"]

#: Seconds the child may take over one message before it counts as stuck
#: (killed, started again; the message is judged in-process).
ANSWER_WITHIN = 5.0


class WorkerGone(RuntimeError):
    """The child process is not running (any more); judge in-process."""


def main(stdin: IO[str] = sys.stdin, stdout: IO[str] = sys.stdout) -> None:
    _model()
    stdout.write('{"ready": true}\n')
    stdout.flush()
    for line in stdin:
        try:
            request = json.loads(line)
        except ValueError:
            request = None
        answers = [_answer(item) for item in request] if isinstance(request, list) else []
        stdout.write(json.dumps(answers) + "\n")
        stdout.flush()


def _answer(request: object) -> dict[str, str]:
    if not isinstance(request, dict):
        return {}
    try:
        first = FirstLook(model_due=True, cancelled=bool(request.get("cancelled")))
        verdict = second_look(str(request["text"]), first)
    except (KeyError, TypeError):
        verdict = CLEAR
    if not verdict.flagged:
        return {}
    return {"category": verdict.category, "stage": verdict.stage, "reason": verdict.reason}


class ModelProcess:
    """The parent's side: one child, one question at a time (one caller thread).

    ``judge`` raises :class:`WorkerGone` while the child is starting or after
    it died; the caller then judges in its own process, and the child is
    started again on the next call. ``nice`` is added to the child's
    scheduling niceness (0: as the parent's)."""

    def __init__(self, *, nice: int = 0) -> None:
        self._nice = nice
        self._child: subprocess.Popen[str] | None = None
        self._ready = threading.Event()

    def judge_many(self, items: list[tuple[str, FirstLook]]) -> list[Verdict]:
        """The verdicts on *items* (text and stage 1's look), in order, asking
        the child once for all those that still need the model."""
        due = [
            i for i, (_, first) in enumerate(items) if first.model_due and not first.verdict.flagged
        ]
        verdicts = [first.verdict for _, first in items]
        if not due:
            return verdicts
        child = self._child
        if child is None or child.poll() is not None:
            self.start()
            raise WorkerGone("starting")
        if not self._ready.is_set():
            raise WorkerGone("still loading")
        request = [{"text": items[i][0], "cancelled": items[i][1].cancelled} for i in due]
        try:
            assert child.stdin is not None and child.stdout is not None
            child.stdin.write(json.dumps(request) + "\n")
            child.stdin.flush()
            if os.name == "posix" and not select.select([child.stdout], [], [], ANSWER_WITHIN)[0]:
                raise OSError(f"no answer within {ANSWER_WITHIN} s")
            answers = json.loads(child.stdout.readline())
            if not isinstance(answers, list) or len(answers) != len(due):
                raise ValueError("the answers do not match the batch")
        except (OSError, ValueError) as exc:
            self.stop()
            raise WorkerGone(f"lost: {exc}") from exc
        for i, answer in zip(due, answers, strict=True):
            verdicts[i] = (
                Verdict(answer["category"], None, None, answer["stage"], answer["reason"])
                if answer
                else CLEAR
            )
        return verdicts

    @property
    def pid(self) -> int | None:
        return self._child.pid if self._child is not None else None

    def wait_ready(self, timeout: float) -> bool:
        """Wait until the child has loaded the model; False on timeout."""
        return self._ready.wait(timeout)

    def stop(self) -> None:
        child, self._child = self._child, None
        self._ready.clear()
        if child is not None and child.poll() is None:
            child.kill()
            child.wait()

    def start(self) -> None:
        """Start the child (again); ``judge`` uses it once it has said ready."""
        self.stop()
        child = subprocess.Popen(
            [sys.executable, "-m", "crisis.worker", "--nice", str(self._nice)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        self._child = child
        threading.Thread(
            target=self._await_ready, args=(child,), daemon=True, name="crisis-model-start"
        ).start()

    def _await_ready(self, child: subprocess.Popen[str]) -> None:
        assert child.stdout is not None
        if child.stdout.readline().strip() == '{"ready": true}' and self._child is child:
            self._ready.set()


def _lower_priority(argv: list[str]) -> None:
    if len(argv) == 2 and argv[0] == "--nice" and int(argv[1]) > 0 and hasattr(os, "nice"):
        os.nice(int(argv[1]))


if __name__ == "__main__":
    _lower_priority(sys.argv[1:])
    main()
