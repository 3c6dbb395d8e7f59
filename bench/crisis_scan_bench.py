"""Benchmark the crisis detector on 10,000 chat-like messages.

Usage (from the repository root)::

    python -m bench.crisis_scan_bench [--messages N] [--repeat R] [--seed S]
                                      [--stage lexicon|model|full]

The messages are the labelled test corpus (crisis and safe) mixed with filler
generated from everyday recovery-chat vocabulary, 20 to 300 characters long,
so the mix resembles a real room: mostly ordinary talk, a few flagged lines.
The lexicon is compiled and the model loaded before timing starts (that
happens once per process in production). Prints messages/second and the total
for the best run, then the cost of one message (p50, p99, max, in
microseconds), each message timed on its own.

``--stage lexicon`` (the default) times ``scan``; ``model`` times the model
alone on every message (``detect`` runs it on every message too: on a lexicon
hit it only checks the veto); ``full`` times ``detect``.
"""

from __future__ import annotations

import argparse
import random
import time

from crisis import detect, load_lexicon, scan
from crisis.model import load_model
from tests.crisis.corpus import CRISIS, SAFE

# Everyday words from a recovery chat, including some that also appear in
# crisis phrases ("kill", "die", "pills", "cut", "hurt"), so the prefilter is
# exercised honestly rather than with text that could never match.
_VOCABULARY = (
    "i you we they my your our the a an and but so because today tonight tomorrow "
    "meeting sponsor sober clean days weeks months year step steps group call text "
    "feel feeling tired sad happy anxious grateful hope hard easy day night morning "
    "work job family kids mom dad friend friends coffee sleep dinner walk gym "
    "craving cravings relapse recovery program chip birthday thanks love support "
    "going went go going to want need think thinking about really just still "
    "kill killing die dying dead pills meds cut cutting hurt hurts took take "
    "time minute hour back down over again never always maybe lol haha ok yes no "
    "988 911 7pm 3:30 2024 90 30 1 https://example.org/meetings room 12 "
)
WORDS = _VOCABULARY.split()


def filler(rng: random.Random) -> str:
    target = rng.randint(20, 300)
    words: list[str] = []
    length = 0
    while length < target:
        word = rng.choice(WORDS)
        words.append(word)
        length += len(word) + 1
    text = " ".join(words)[:target]
    return text[0].upper() + text[1:] + rng.choice(("", ".", "!", "?", " :)"))


def build_messages(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    corpus = [text for text, _ in CRISIS] + list(SAFE)
    messages = list(corpus)
    while len(messages) < count:
        messages.append(filler(rng))
    messages = messages[:count]
    rng.shuffle(messages)
    return messages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5, help="runs; the best is reported")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--stage", choices=("lexicon", "model", "full"), default="lexicon")
    args = parser.parse_args(argv)

    messages = build_messages(args.messages, args.seed)
    lexicon = load_lexicon()  # compile outside the timed region
    model = load_model()
    avg_len = sum(map(len, messages)) / len(messages)
    if args.stage == "lexicon":
        run = scan
    elif args.stage == "model":
        run = model.predict
    else:
        run = detect
    run(messages[0])

    def flagged_by(result) -> bool:
        return result.score >= model.threshold if args.stage == "model" else result.flagged

    timings = []
    flagged = 0
    for _ in range(args.repeat):
        start = time.perf_counter()
        flagged = sum(1 for m in messages if flagged_by(run(m)))
        timings.append(time.perf_counter() - start)
    best = min(timings)

    per_message = []
    clock = time.perf_counter
    for m in messages:
        start = clock()
        run(m)
        per_message.append((clock() - start) * 1e6)
    per_message.sort()

    def pct(p: float) -> float:
        return per_message[min(len(per_message) - 1, int(p * len(per_message)))]

    print(f"stage {args.stage}; lexicon version {lexicon.version}, {len(lexicon.rules)} rules")
    print(f"{len(messages)} messages, average {avg_len:.0f} characters, {flagged} flagged")
    print(f"runs (s): {', '.join(f'{t:.3f}' for t in timings)}")
    print(f"best: {best:.3f} s total, {len(messages) / best:,.0f} messages/second")
    print(f"per message (us): p50 {pct(0.50):.0f}, p99 {pct(0.99):.0f}, max {per_message[-1]:.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
