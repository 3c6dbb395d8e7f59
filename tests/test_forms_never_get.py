"""No page's form can put what a member typed into a URL. The pages' forms are
sent by their scripts; a submit that happens before the script has loaded (a
tap on a slow phone) goes the browser's way, and a form without a method is a
GET: the handle, the recovery phrase, a check-in or a safety plan would land in
the address bar, the history and the server's access log. So every form says
its method ("dialog" for the safety plan, which never leaves the phone: such a
submit goes nowhere), and a GET form (a link with choices, like the crisis
lines' country picker) has nothing to type in."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FORM = re.compile(r"(<form\b[^>]*>)(.*?)</form>", re.IGNORECASE | re.DOTALL)
TYPED = re.compile(r'<textarea\b|<input\b(?![^>]*type="(?:hidden|radio|checkbox|submit)")', re.I)


def _forms() -> list[tuple[str, str, str]]:
    return [
        (str(path.relative_to(TEMPLATES)), tag, body)
        for path in sorted(TEMPLATES.rglob("*.html"))
        for tag, body in FORM.findall(path.read_text())
    ]


def test_every_form_states_its_method():
    forms = _forms()
    assert len(forms) > 20, "the templates' forms were not found"
    assert not [f"{path}: {tag}" for path, tag, _ in forms if "method=" not in tag]


def test_no_get_form_has_anything_to_type_in():
    get = [(path, body) for path, tag, body in _forms() if re.search(r'method="get"', tag, re.I)]
    assert get, "the country picker is a GET form: the check must see it"
    assert not [path for path, body in get if TYPED.search(body)]
