"""Stage 2 of crisis detection, run after the ack, off the event loop.

Stage 1 (the phrase rules) runs in the send path and decides the card before
the ack. The model costs more than the send path's budget allows at 200
messages a second on a small machine (docs/performance.md), so a message the
rules did not flag is handed, once it is committed, to one worker thread per
process through a bounded queue, and the sender's ack goes out at once. The
thread gathers what arrives within ``CRISIS_STAGE2_BATCH_SECONDS`` into one
batch and hands the texts to a child process that runs the model
(``crisis.worker``, ``CRISIS_STAGE2_PROCESS``), so the model's CPU is not
taken under this process's interpreter lock; while that process starts, or
if it dies, the thread judges in-process. When
the model flags the message, the worker does what a stage-1 hit does (the one
hand-off, ``handoff.hand_off``): a queue item about the message with the stage
and the reason, a live alert or escalation, and the card, pushed to the
sender's sockets. In practice that is a few tens of milliseconds after the ack.

What is never given up: a full queue (the process is far behind) makes the
sender judge its own message inline, slower but never unchecked; a graceful
shutdown waits for the queue to empty (``CRISIS_STAGE2_DRAIN_SECONDS``). What can be
lost: the messages still in the queue when the process dies abruptly (killed,
out of memory). Stage 1 has judged them all; only the model's second look is
lost, for the fraction of a second of messages the queue holds (docs/safety.md,
"Where stage 2 runs").
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import connections

from crisis import FirstLook, Verdict, second_look
from crisis.model import ModelError, load_model
from crisis.worker import ModelProcess, WorkerGone
from moderation import handoff

logger = logging.getLogger("kindred.crisis")


@dataclass(frozen=True)
class Job:
    """One stored message for the model to judge."""

    message_id: int
    text: str
    first: FirstLook
    country_hint: str | None = None


_lock = threading.Lock()
_idle = threading.Condition(_lock)
_pending = 0
_jobs: queue.Queue[Job] | None = None
_worker: threading.Thread | None = None
#: The worker's model process, if any (bench.send_cpu reads its CPU).
_worker_child: ModelProcess | None = None
#: Cleared only by tests (``held``): the worker waits before each job.
_gate = threading.Event()
_gate.set()


def submit(job: Job) -> None:
    """Judge *job* in the background; inline when the queue is full."""
    global _pending
    jobs = _ensure_worker()
    with _lock:
        _pending += 1
    if jobs.qsize() < settings.CRISIS_STAGE2_QUEUE:
        jobs.put_nowait(job)
        return
    logger.warning("crisis stage 2 queue full; judging message=%s inline", job.message_id)
    _run_batch([job], None)


def wait_idle(timeout: float) -> bool:
    """Wait until every submitted job is done; False on timeout."""
    with _idle:
        return _idle.wait_for(lambda: _pending == 0, timeout)


@contextlib.contextmanager
def held() -> Iterator[None]:
    """For tests: the worker takes no job until the block ends."""
    _gate.clear()
    try:
        yield
    finally:
        _gate.set()


def _ensure_worker() -> queue.Queue[Job]:
    global _jobs, _worker
    with _lock:
        if _jobs is None:
            _jobs = queue.Queue()  # bounded by submit (CRISIS_STAGE2_QUEUE)
        if _worker is None or not _worker.is_alive():
            _worker = threading.Thread(
                target=_work, args=(_jobs,), daemon=True, name="crisis-stage2"
            )
            _worker.start()
        return _jobs


def _work(jobs: queue.Queue[Job]) -> None:
    with contextlib.suppress(ModelError):  # second_look logs it, once
        load_model()  # here, not in the first send that needs the veto
    global _worker_child
    child = None
    if settings.CRISIS_STAGE2_PROCESS:
        child = ModelProcess(nice=settings.CRISIS_STAGE2_NICE)
        child.start()
    _worker_child = child
    while True:
        batch = [jobs.get()]
        _gate.wait()
        # Gather what arrives in the next moment into one batch: one write and
        # one read of the child's pipe for all of it, so this thread takes the
        # interpreter lock back from the event loop a few times per batch
        # instead of a few times per message.
        time.sleep(settings.CRISIS_STAGE2_BATCH_SECONDS)
        while len(batch) < settings.CRISIS_STAGE2_BATCH:
            try:
                batch.append(jobs.get_nowait())
            except queue.Empty:
                break
        if _run_batch(batch, child):
            connections.close_all()  # this thread's, until its next hit


def _run_batch(batch: list[Job], child: ModelProcess | None) -> bool:
    """Judge *batch* and hand each hit off; True if the database was used (or
    may have been, on an error)."""
    global _pending
    started = time.perf_counter()
    used_db = False
    try:
        verdicts = _judge(batch, child)
        for job, verdict in zip(batch, verdicts, strict=True):
            if not verdict.flagged:
                continue
            used_db = True
            try:
                handoff.message_flagged_late(
                    message_id=job.message_id, verdict=verdict, country_hint=job.country_hint
                )
                logger.info(
                    "crisis stage 2 hit message=%s took_ms=%.1f",
                    job.message_id,
                    (time.perf_counter() - started) * 1000,
                )
            except Exception:
                logger.exception("crisis stage 2 failed message=%s", job.message_id)
    except Exception:
        used_db = True
        logger.exception(
            "crisis stage 2 failed messages=%s", ",".join(str(j.message_id) for j in batch)
        )
    finally:
        with _idle:
            _pending -= len(batch)
            _idle.notify_all()
    return used_db


def _judge(batch: list[Job], child: ModelProcess | None) -> list[Verdict]:
    """The model's verdicts: from the model process when it is up, else here."""
    if child is not None:
        try:
            return child.judge_many([(job.text, job.first) for job in batch])
        except WorkerGone as gone:
            logger.info("crisis model process not available (%s); judging in-process", gone)
    return [second_look(job.text, job.first) for job in batch]


def _drain_at_exit() -> None:
    if _worker is not None and not wait_idle(settings.CRISIS_STAGE2_DRAIN_SECONDS):
        logger.error("crisis stage 2: %s messages left unjudged at exit", _pending)


atexit.register(_drain_at_exit)
