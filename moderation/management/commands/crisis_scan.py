"""``manage.py crisis_scan``: run the crisis detector over lines of text.

Facilitators use it to try a lexicon change before it goes live::

    printf 'I want to die\\nmy phone died\\n' | python manage.py crisis_scan
    python manage.py crisis_scan --lexicon /srv/kindred/lexicon.json < samples.txt

Each input line produces exactly one output line, in order: ``crisis<TAB>category``
or ``ok``, so the output can be pasted next to the input or diffed between two
lexicon versions. With ``--show-rule`` the matched rule id and phrase are added
(tab-separated) to help explain a result.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from crisis import LexiconError, load_lexicon


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
            help="also print the id of the matching rule and the matched phrase",
        )

    def handle(self, *args, **options) -> None:
        try:
            # With no --lexicon this is the configured lexicon; loading it here
            # rather than letting scan() fall back means a broken configured
            # file is reported instead of silently replaced.
            lexicon = load_lexicon(options.get("lexicon"))
        except LexiconError as exc:
            raise CommandError(f"Lexicon problem: {exc}") from exc

        stream = options.get("stdin") or sys.stdin
        show_rule = options.get("show_rule", False)
        for raw in stream:
            line = raw.rstrip("\r\n")
            verdict = lexicon.scan(line)
            if not verdict.flagged:
                self.stdout.write("ok")
            elif show_rule:
                self.stdout.write(
                    f"crisis\t{verdict.category}\t{verdict.rule_id}\t{verdict.phrase}"
                )
            else:
                self.stdout.write(f"crisis\t{verdict.category}")
