"""Kindred in Spanish, and the checks that keep every shipped catalogue complete
(docs/i18n.md): no string marked for translation is left untranslated, the compiled
catalogues match their sources, no page or browser string escapes translation."""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from tests.browser.test_pages_http import logged_in

REPO = Path(__file__).resolve().parent.parent
LOCALE = REPO / "locale"
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
DOMAINS = ("django", "djangojs")
#: What `make messages` leaves out (kept in step with the Makefile's MESSAGES_IGNORE).
NOT_SCANNED = (".venv", "node_modules", "staticfiles", "tests", "bench", "docs", "devserver")
#: Pages and modules left out of the checks below (none now: the staff pages are
#: translated too; docs/i18n.md, "What is not translated yet").
STAFF_ONLY: tuple[str, ...] = ()


def _need_gettext_tools() -> None:
    if all(shutil.which(tool) for tool in ("xgettext", "msgmerge", "msgfmt", "msgattrib")):
        return
    if os.environ.get("CI"):
        pytest.fail("the gettext tools are missing: apt-get install gettext (.ci/run does)")
    pytest.skip("the gettext tools are not installed (apt-get install gettext)")


def _entries(po: Path, *flags: str) -> list[str]:
    """The msgids msgattrib selects from *po* with *flags* (e.g. --untranslated)."""
    out = subprocess.run(
        ["msgattrib", "--no-wrap", *flags, str(po)], capture_output=True, text=True, check=True
    ).stdout
    return [m for m in re.findall(r'^msgid "(.*)"$', out, re.M) if m]


# --- the catalogues ---------------------------------------------------------------


def test_makemessages_leaves_no_untranslated_string(tmp_path):
    """What `make messages` would write, on a copy of the tree: every string marked
    in a template, in Python or in the browser client has its translation."""
    _need_gettext_tools()
    copy = tmp_path / "kindred"
    shutil.copytree(
        REPO,
        copy,
        ignore=shutil.ignore_patterns(*NOT_SCANNED, ".git", "__pycache__", ".*_cache"),
    )
    ignore = [f"--ignore={name}" for name in NOT_SCANNED]
    env = {**os.environ, "DEBUG": "1"}
    command = [sys.executable, "manage.py", "makemessages", "--all", "--no-location"]
    generated = ["--ignore=static/kindred/sw.js", "--ignore=static/kindred/catalogs"]
    for extra in ([], ["-d", "djangojs", *generated]):
        subprocess.run(
            [*command, "--no-obsolete", *ignore, *extra],
            cwd=copy,
            env=env,
            check=True,
            capture_output=True,
        )
    # Every catalogue the run wrote, wherever: makemessages writes the strings of
    # the files under any folder named "locale" into that folder's own catalogue.
    written = sorted(copy.rglob("*.po"))
    shipped = [
        copy / "locale" / code / "LC_MESSAGES" / f"{d}.po" for code in TRANSLATED for d in DOMAINS
    ]
    assert written == sorted(shipped), "catalogues outside locale/: rename that folder"
    problems = []
    for po in written:
        where = po.relative_to(copy).as_posix()
        for msgid in _entries(po, "--untranslated"):
            problems.append(f"{where}: untranslated {msgid!r}")
        for msgid in _entries(po, "--only-fuzzy"):
            problems.append(f"{where}: fuzzy {msgid!r}")
    assert problems == [], "run `make messages` and translate:\n" + "\n".join(problems[:40])


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", TRANSLATED)
def test_compiled_catalogues_match_their_sources(tmp_path, language, domain):
    _need_gettext_tools()
    folder = LOCALE / language / "LC_MESSAGES"
    fresh = tmp_path / f"{domain}.mo"
    subprocess.run(
        ["msgfmt", "--check", "-o", str(fresh), str(folder / f"{domain}.po")], check=True
    )
    with open(fresh, "rb") as new, open(folder / f"{domain}.mo", "rb") as shipped:
        assert gettext.GNUTranslations(shipped)._catalog == gettext.GNUTranslations(new)._catalog, (
            f"locale/{language}/LC_MESSAGES/{domain}.mo is stale: run `make messages`"
        )


def test_the_browser_catalogues_are_up_to_date():
    call_command("js_catalogs", check=True)


def _untranslated_template_text(text: str) -> list[str]:
    text = re.sub(r"{%\s*blocktranslate.*?{%\s*endblocktranslate\s*%}", "", text, flags=re.S)
    text = re.sub(r"{%\s*block body_class\s*%}.*?{%\s*endblock\s*%}", "", text)
    text = re.sub(r"{#.*?#}|{%.*?%}|{{.*?}}", "", text, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text, flags=re.S)
    words = re.sub(r"\bKindred\b", "", text)
    return [line.strip() for line in words.splitlines() if re.search(r"[A-Za-z]{2}", line)]


def test_every_template_string_is_marked_for_translation():
    found = []
    for path in sorted((REPO / "templates").rglob("*.html")):
        name = path.relative_to(REPO).as_posix()
        if name.startswith(STAFF_ONLY):
            continue
        found += [f"{name}: {line}" for line in _untranslated_template_text(path.read_text())]
    assert found == [], "wrap these in {% translate %}:\n" + "\n".join(found)


_JS_STRING = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`")
_JS_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_GETTEXT_CALL = re.compile(r"\b(?:gettext|ngettext)\(")


def _prose(literal: str) -> bool:
    """Words for people: a capitalised phrase, or words ending a sentence."""
    body = re.sub(r"\$\{[^}]*\}", "thing", literal[1:-1])
    if body.startswith(("/", "#", "[", "(", "^")) or "=" in body:
        return False
    phrase = re.search(r"[A-Z][a-z']+ [a-z']{2,}", body)
    sentence = re.search(r"[a-z]{2,}[.?!…]$", body.strip()) and " " in body.strip()
    return bool(phrase or sentence)


def hard_coded_strings(source: str) -> list[str]:
    """Prose string literals of a module that are not inside a gettext/ngettext call."""
    source = _JS_COMMENT.sub(lambda m: " " * len(m.group(0)), source)
    literals = list(_JS_STRING.finditer(source))
    inside: list[tuple[int, int]] = []
    for call in _GETTEXT_CALL.finditer(source):
        depth, position = 1, call.end()
        while depth and position < len(source):
            literal = next((m for m in literals if m.start() == position), None)
            if literal is not None:
                position = literal.end()
                continue
            depth += {"(": 1, ")": -1}.get(source[position], 0)
            position += 1
        inside.append((call.start(), position))
    return [
        m.group(0)
        for m in literals
        if _prose(m.group(0)) and not any(a <= m.start() < b for a, b in inside)
    ]


def test_the_browser_client_has_no_hard_coded_words():
    found = []
    for path in sorted((REPO / "static" / "kindred").rglob("*.js")):
        name = path.relative_to(REPO).as_posix()
        if name.startswith(STAFF_ONLY) or "/catalogs/" in name or name.endswith("/sw.js"):
            continue
        found += [f"{name}: {text[:80]}" for text in hard_coded_strings(path.read_text())]
    assert found == [], "wrap these in gettext() (static/kindred/i18n.js):\n" + "\n".join(found)


def test_the_hard_coded_string_check_can_fail():
    assert hard_coded_strings('say("You blocked them.");') == ['"You blocked them."']
    assert hard_coded_strings("x = `Waiting ${n} minutes`;") == ["`Waiting ${n} minutes`"]
    assert hard_coded_strings('say(gettext("You blocked " +\n "them."));') == []
    assert hard_coded_strings('el("p", "button button-quiet", gettext("OK"));') == []


# --- picking the language -------------------------------------------------------------


@pytest.mark.parametrize(
    ("cookie", "saved", "header", "picked"),
    [
        (None, "", "es-MX,es;q=0.9,en;q=0.5", "es"),
        (None, "", "fr-FR,es;q=0.5,en;q=0.8", "en"),  # the most preferred supported one
        (None, "", "pt-BR, es;q=0.2", "es"),
        (None, "", "es;q=0, en", "en"),  # q=0: "not this one"
        (None, "", "*, es", "es"),
        (None, "", "", "en"),
        (None, "es", "en-US", "es"),  # the member's setting before the browser's
        ("en", "es", "es", "en"),  # this browser's latest choice before both
        ("xx", "", "es", "es"),  # an unknown cookie is ignored
    ],
)
def test_the_language_is_the_choice_then_the_setting_then_the_browser(
    cookie, saved, header, picked
):
    from core.language import pick_language

    assert pick_language(cookie=cookie, member_language=saved, accept_language=header) == picked


def test_accept_language_picks_spanish_and_the_page_says_so(rooms):
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9,en;q=0.5")
    html = response.content.decode()
    assert '<html lang="es">' in html
    assert response["Content-Language"] == "es"
    assert "No tienes que pasar por esto a solas." in html
    assert "Accept-Language" in response["Vary"]
    english = Client().get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr").content.decode()
    assert '<html lang="en">' in english and "You don't have to do this alone." in english


def test_the_picker_remembers_the_choice_in_a_cookie_and_on_the_member(rooms, member):
    client = logged_in(member)
    answer = client.post("/language/", {"language": "es"}, HTTP_REFERER="http://testserver/me/")
    assert answer.status_code == 302 and answer["Location"] == "/me/"
    assert answer.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    member.refresh_from_db()
    assert member.language == "es"
    # The cookie comes before the browser's own languages...
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="es">' in html
    # ...and the saved setting follows the member to a browser without the cookie.
    elsewhere = logged_in(member).get("/chats/", HTTP_ACCEPT_LANGUAGE="en-US")
    assert '<html lang="es">' in elsewhere.content.decode()


def test_the_picker_ignores_unknown_languages_and_foreign_referers(rooms):
    answer = Client().post(
        "/language/", {"language": "xx"}, HTTP_REFERER="https://evil.example/path"
    )
    assert answer["Location"] == "/"
    assert settings.LANGUAGE_COOKIE_NAME not in answer.cookies


def test_every_page_offers_the_picker_with_each_language_in_its_own_name(rooms):
    for path in ("/", "/join/", "/resources/", "/safety-plan/", "/no-such-page/"):
        html = Client().get(path, HTTP_ACCEPT_LANGUAGE="es").content.decode()
        assert 'action="/language/"' in html, path
        assert '<option value="es" lang="es" selected>Español</option>' in html, path
        assert '<option value="en" lang="en">English</option>' in html, path


def test_the_settings_api_takes_a_language(member):
    member_client = logged_in(member)
    answer = member_client.post("/api/me/", {"language": "es"}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["language"] == "es"
    assert answer.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    refused = member_client.post("/api/me/", {"language": "klingon"}, "application/json")
    assert refused.status_code == 400
    assert refused.json()["detail"] == "Elige un idioma de la lista."


# --- Spanish everywhere a member looks ---------------------------------------------------


def test_the_home_page_lists_the_members_language_first(rooms):
    spanish = Client().get("/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    # Split at the <summary>: the inlined stylesheet names the section in a comment.
    main, _, others = spanish.partition("<summary>Salas en otros idiomas")
    assert "Recién llegados" in main and "De madrugada" in main
    assert "Newcomers" not in main and "Newcomers" in others
    assert 'lang="en"' in others
    english = Client().get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    main, _, others = english.partition("<summary>Rooms in other languages")
    assert "Newcomers" in main and "Recién llegados" not in main and "Recién llegados" in others


def test_rooms_say_their_language_in_the_api(rooms):
    listed = {room["slug"]: room["language"] for room in Client().get("/api/rooms/").json()}
    assert listed["newcomers"] == "en" and listed["recien-llegados"] == "es"


def test_http_errors_speak_the_request_language(member):
    answer = logged_in(member).post(
        "/api/me/", {"country": "ZZ"}, "application/json", HTTP_ACCEPT_LANGUAGE="es"
    )
    assert answer.json() == {
        "error": "bad_field",
        "detail": "Elige un país de la lista.",
    }


@pytest.mark.django_db(transaction=True)
async def test_socket_errors_speak_the_members_language(member, rooms, hub):
    from channels.db import database_sync_to_async

    from tests.conftest import communicator, receive_until

    member.language = "es"
    await database_sync_to_async(member.save)()
    ws = await communicator("/ws/rooms/recien-llegados/", member)
    assert (await ws.connect())[0]
    await receive_until(ws, "welcome")
    await ws.send_json_to({"type": "message", "body": "   ", "nonce": "a"})
    error = await receive_until(ws, "error")
    assert error["code"] == "empty" and error["detail"] == "Escribe algo antes de enviar."
    await ws.disconnect()


def test_words_written_for_another_member_are_in_their_language(make_member):
    """A request made in English lands in a Spanish speaker's inbox in Spanish."""
    from community.models import InboxItem
    from rooms import chats

    asker = make_member("SolAsks")
    spanish = make_member("LunaEscucha", open_to_chat=True, language="es")
    english = make_member("MoonListens", open_to_chat=True)
    chats.chat_request(member_id=asker.pk, to=spanish.handle)
    chats.chat_request(member_id=asker.pk, to=english.handle)
    assert InboxItem.objects.get(member=spanish).text == (
        "SolAsks quiere tener un chat uno a uno contigo."
    )
    assert InboxItem.objects.get(member=english).text == (
        "SolAsks would like a one-on-one chat with you."
    )


def test_dates_and_numbers_follow_the_language(rooms):
    from django.utils import formats, translation

    with translation.override("es"):
        # Django's Spanish format groups thousands with a no-break space.
        assert formats.number_format(4000.5, 1, force_grouping=True) == "4\u00a0000,5"
    with translation.override("en"):
        assert formats.number_format(4000.5, 1, force_grouping=True) == "4,000.5"


# --- the crisis card and the lines, in Spanish ----------------------------------------------


def test_the_crisis_card_speaks_spanish_with_the_lines_of_spanish_speaking_countries():
    from crisis import card_for

    card = card_for("suicide", "MX", language="es", followup="later")
    assert card["message"].startswith("Nos alegra de verdad que nos lo hayas contado.")
    assert "no un servicio de crisis" in card["message"]
    assert card["followup_text"].startswith("Ahora mismo no hay nadie")
    names = [line["name"] for line in card["resources"]]
    assert names == ["Línea de la Vida", "Servicios de emergencia"]
    # The 988 Lifeline's Spanish option leads a Spanish card in the US, and only there.
    us_spanish = card_for("suicide", "US", language="es")["resources"]
    assert us_spanish[0]["name"].startswith("988 Lifeline en español")
    assert us_spanish[0]["text"] == "AYUDA to 988"
    us_english = card_for("suicide", "US", language="en")["resources"]
    assert not any("español" in line["name"] for line in us_english)


def test_every_category_has_its_spanish_card_words():
    from crisis.lexicon import CATEGORIES
    from crisis.resources import FOLLOWUPS, load_resources

    spanish = load_resources()["translations"]["es"]
    assert set(spanish["messages"]) == set(CATEGORIES)
    assert set(spanish["followup"]) == set(FOLLOWUPS)
    for text in spanish["messages"].values():
        # Always a way to a human, never the promise of a crisis service.
        assert "no un servicio de crisis" in text and "ahora" in text


def test_spanish_speaking_countries_are_listed_and_honestly_unverified():
    from crisis.resources import load_resources

    countries = load_resources()["countries"]
    for code in ("MX", "ES", "AR", "CO", "CL", "PE", "UY"):
        entry = countries[code]
        assert entry["lines"], code
        for line in [entry["emergency"], *entry["lines"]]:
            assert line["verified"] is None, (code, line["name"])
            assert line["source"].startswith("https://"), (code, line["name"])


def test_the_resources_page_in_spanish(rooms):
    html = Client().get("/resources/?country=CL", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Líneas de crisis en Chile" in html
    assert 'href="tel:*4141"' in html and "Llamar al *4141" in html
    assert "Servicios de emergencia (ambulancia SAMU 131)" in html


@pytest.mark.parametrize(
    ("accept", "cookie", "room"),
    [
        ("es-MX,es;q=0.9", None, "recien-llegados"),
        ("en-US", None, "newcomers"),
        ("en", "es", "recien-llegados"),
    ],
)
def test_joining_without_a_page_to_return_to_lands_in_newcomers_in_your_language(
    rooms, accept, cookie, room
):
    client = Client()
    if cookie:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    page = client.get("/join/", HTTP_ACCEPT_LANGUAGE=accept).content.decode()
    assert 'data-next="/start/"' in page
    answer = client.get("/start/", HTTP_ACCEPT_LANGUAGE=accept)
    assert answer.status_code == 302 and answer["Location"] == f"/rooms/{room}/"
