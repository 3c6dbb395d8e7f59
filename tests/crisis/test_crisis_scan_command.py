"""Tests for ``manage.py crisis_scan`` (no database needed)."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from crisis import set_lexicon_path


@pytest.fixture(autouse=True)
def _default_lexicon():
    set_lexicon_path(None)
    yield
    set_lexicon_path(None)


def run(text: str, *args: str) -> list[str]:
    out = io.StringIO()
    call_command("crisis_scan", *args, stdin=io.StringIO(text), stdout=out)
    return out.getvalue().splitlines()


def test_one_output_line_per_input_line_in_order():
    lines = run(
        "I want to die\n"
        "my phone died\n"
        "\n"
        "he hits me\r\n"
        "took all my pills\n"
        "I've been cutting again\n"
        "90 days sober today!"  # no final newline
    )
    assert lines == [
        "crisis\tsuicide",
        "ok",
        "ok",
        "crisis\tviolence",
        "crisis\toverdose",
        "crisis\tself_harm",
        "ok",
    ]


def test_empty_input_prints_nothing():
    assert run("") == []


def test_show_rule():
    assert run("I want to kill myself\n", "--show-rule") == [
        "crisis\tsuicide\tlexicon\tsuicide.kill_myself\tsuicide.kill_myself: 'kill myself'"
    ]


def test_full_detector_by_default_and_lexicon_alone_on_request():
    # A message only the model catches: flagged by default, not with --stage lexicon.
    text = "im at the top of the parking garage looking down"
    assert run(text + "\nhello\n") == ["crisis\tsuicide", "ok"]
    assert run(text + "\nhello\n", "--stage", "lexicon") == ["ok", "ok"]
    shown = run(text + "\n", "--show-rule")[0].split("\t")
    assert shown[2:4] == ["model", "-"] and shown[4].startswith("score ")


def test_stage_full_and_lexicon_agree_on_lexicon_hits():
    text = "I want to die\nmy phone died\nhe hits me\n"
    assert run(text) == run(text, "--stage", "lexicon")


def _candidate(tmp_path, rules):
    path = tmp_path / "candidate.json"
    path.write_text(json.dumps({"version": "candidate", "rules": rules}), encoding="utf-8")
    return path


def test_candidate_lexicon(tmp_path):
    path = _candidate(
        tmp_path, [{"id": "t.rope", "category": "suicide", "patterns": ["bought a rope"]}]
    )
    assert run(
        "I bought a rope\nI want to kill myself\n", "--lexicon", str(path), "--stage", "lexicon"
    ) == [
        "crisis\tsuicide",
        "ok",  # only the candidate's rules apply
    ]


def test_bad_candidate_lexicon_is_a_clear_error(tmp_path):
    path = _candidate(tmp_path, [{"id": "t.x", "category": "sadness", "patterns": ["x"]}])
    with pytest.raises(CommandError, match=re.escape("rule 't.x': unknown category 'sadness'")):
        run("hello\n", "--lexicon", str(path))


def test_bad_regex_names_the_rule(tmp_path):
    path = _candidate(tmp_path, [{"id": "t.oops", "category": "suicide", "patterns": ["(oops"]}])
    with pytest.raises(CommandError, match=re.escape("rule 't.oops': invalid regular expression")):
        run("hello\n", "--lexicon", str(path))


def test_missing_lexicon_file(tmp_path):
    with pytest.raises(CommandError, match="cannot read lexicon"):
        run("hello\n", "--lexicon", str(tmp_path / "nope.json"))


def test_not_json(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("rules: nope", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON"):
        run("hello\n", "--lexicon", str(path))


def test_broken_configured_lexicon_is_reported_not_replaced(tmp_path, settings):
    path = _candidate(tmp_path, [{"id": "t.x", "category": "nope", "patterns": ["x"]}])
    settings.CRISIS_LEXICON_PATH = str(path)
    with pytest.raises(CommandError, match="unknown category 'nope'"):
        run("hello\n")


def test_reads_sys_stdin_when_no_stream_given(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("I want to die\nhello\n"))
    out = io.StringIO()
    call_command("crisis_scan", stdout=out)
    assert out.getvalue().splitlines() == ["crisis\tsuicide", "ok"]
