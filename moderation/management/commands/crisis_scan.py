"""``manage.py crisis_scan``: run the crisis detector over lines of text.

Facilitators use it to try a lexicon change before it goes live::

    printf 'I want to die\\nmy phone died\\n' | python manage.py crisis_scan
    python manage.py crisis_scan --lexicon /srv/kindred/lexicon.json < samples.txt

Each input line produces exactly one output line, in order: ``crisis<TAB>category``
or ``ok``, so the output can be pasted next to the input or diffed between two
lexicon versions. The verdict is the full detector's (lexicon, then the model
when no rule matched), as in the message path; ``--stage lexicon`` reports the
lexicon alone. With ``--show-rule`` the stage, the rule id (or ``-`` for the
model) and the reason are added, tab-separated, to help explain a result.

``--export-feedback [FILE]`` does not scan: it writes the facilitators' labels
("not a crisis", "a crisis we missed"; moderation.feedback) as JSON lines in the
training corpus's format (crisis/data/corpus/README.md) to FILE, or to standard
output, for retraining. No line names a member.
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from crisis import LexiconError, load_lexicon
from crisis.full import model_verdict
from crisis.model import ModelError, load_model
from moderation.feedback import labels_export


class Command(BaseCommand):
    help = (
        "Read messages from standard input, one per line, and print 'crisis<TAB>category' "
        "or 'ok' for each. Use --lexicon to test a candidate lexicon file."
    )
    # call_command(..., stdin=io.StringIO(...)) passes the input stream this way
    # (tests, and scripts that call the command in-process).
    stealth_options = ("stdin",)

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--lexicon",
            metavar="PATH",
            help="lexicon JSON file to use instead of the configured one",
        )
        parser.add_argument(
            "--show-rule",
            action="store_true",
            help="also print the stage that fired, the rule id and the reason",
        )
        parser.add_argument(
            "--stage",
            choices=("full", "lexicon"),
            default="full",
            help="full: lexicon then model, as in the message path (default); "
            "lexicon: the lexicon alone",
        )
        parser.add_argument(
            "--export-feedback",
            nargs="?",
            const="-",
            metavar="FILE",
            help="write the facilitators' crisis labels as corpus JSON lines to FILE "
            "(standard output without FILE) instead of scanning",
        )

    def handle(self, *args, **options) -> None:
        if options.get("export_feedback"):
            self._export(options["export_feedback"])
            return
        try:
            # With no --lexicon this is the configured lexicon; loading it here
            # rather than letting scan() fall back means a broken configured
            # file is reported instead of silently replaced.
            lexicon = load_lexicon(options.get("lexicon"))
        except LexiconError as exc:
            raise CommandError(f"Lexicon problem: {exc}") from exc

        model = None
        if options.get("stage", "full") == "full":
            try:
                model = load_model()
            except ModelError as exc:
                raise CommandError(f"Model problem: {exc}") from exc

        stream = options.get("stdin") or sys.stdin
        show_rule = options.get("show_rule", False)
        for raw in stream:
            line = raw.rstrip("\r\n")
            examination = lexicon.examine(line)
            verdict = examination.verdict
            if not verdict.flagged and model is not None:
                verdict = model_verdict(
                    line, cancelled=examination.cancelled is not None, model=model
                )
            if not verdict.flagged:
                self.stdout.write("ok")
            elif show_rule:
                self.stdout.write(
                    f"crisis\t{verdict.category}\t{verdict.stage}\t{verdict.rule_id or '-'}"
                    f"\t{verdict.reason}"
                )
            else:
                self.stdout.write(f"crisis\t{verdict.category}")

    def _export(self, target: str) -> None:
        lines = [json.dumps(row, ensure_ascii=False) for row in labels_export()]
        if target == "-":
            for line in lines:
                self.stdout.write(line)
            return
        try:
            with open(target, "w", encoding="utf-8") as out:
                out.writelines(line + "\n" for line in lines)
        except OSError as exc:
            raise CommandError(f"Can't write {target}: {exc.strerror}") from exc
        self.stderr.write(f"{len(lines)} labels written to {target}")
