"""Kindred in Spanish at phone size: joining, a Spanish room, the crisis card with a
Spanish-speaking country's lines, the drop-in line; every page axe-clean, with its
``lang`` saying Spanish (docs/i18n.md).

The browser asks for Spanish the way a phone set to Spanish does (``Accept-Language:
es-MX``); the picker on every page switches it, and the choice sticks.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PHONE, send, serious_axe_violations, wait_connected
from tests.browser.staff import LiveStaff, wait_dashboard

pytestmark = [pytest.mark.browser, pytest.mark.live]

SPANISH = {"viewport": PHONE, "locale": "es-MX"}
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def shoot(page, name: str, tmp_path: Path) -> None:
    """docs/screenshots/<name>-phone.png with UPDATE_SCREENSHOTS=1, else a temporary file;
    either way the page must not scroll sideways (Spanish runs longer than English)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
    folder = DOCS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    page.screenshot(path=str(folder / f"{name}-phone.png"), full_page=True)


def test_joining_and_talking_in_spanish_then_the_crisis_card(pages, tmp_path):
    page = pages.open("/", **SPANISH)
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "No tienes que pasar por esto a solas."
    )
    # Spanish rooms first; the others only on request.
    expect(page.locator(".room-list").first.locator(".room-card-title")).to_have_text(
        [
            "Recién llegados",
            "Alcohol",
            "Salud mental",
            "Familia y aliados",
            "De madrugada",
            "Logros",
        ]
    )
    expect(page.locator(".other-rooms .room-card").first).to_be_hidden()
    # The live counts come from the browser's catalogue (ngettext), still in Spanish.
    expect(page.locator('[data-label="online"]')).to_have_text(re.compile(r"personas? aquí"))
    assert serious_axe_violations(page) == []
    shoot(page, "home-es", tmp_path)

    page.get_by_role("link", name="Únete con un alias").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Únete a Kindred")
    page.locator("#join-button").click()
    expect(page.locator("#accept-error")).to_have_text(
        "Lee las normas y marca la casilla para unirte."
    )
    page.get_by_label("Leí las normas y las voy a respetar.").check()
    page.locator("#join-button").click()
    expect(page.locator("#phrase-intro")).to_contain_text("una sola vez")
    assert serious_axe_violations(page) == []
    page.goto("/rooms/recien-llegados/")
    wait_connected(page)
    expect(page.locator("#conn-text")).to_have_text("Conectado")
    expect(page.get_by_role("heading", level=1)).to_have_text("Recién llegados")
    send(page, "Hola a todos, es mi primera noche aquí.")
    expect(page.locator("#message-list li[data-id]")).to_contain_text(["primera noche"])
    assert serious_axe_violations(page) == []

    # A crisis message: the card speaks Spanish and lists Mexico's lines, from
    # the browser's region, emergency services included.
    send(page, "Ya no quiero vivir, quiero matarme esta noche")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_have_accessible_name("Hay ayuda aquí, ahora mismo")
    expect(page.locator("#crisis-message")).to_contain_text("no tienes que pasar por esto a solas")
    expect(page.locator("#crisis-message")).to_contain_text("no un servicio de crisis")
    expect(dialog.locator('a[href="tel:8009112000"]')).to_have_text("Llamar al 800 911 2000")
    expect(dialog.locator('a[href="tel:911"]')).to_have_text("Llamar al 911")
    names = dialog.locator(".resource-name")
    expect(names.filter(has_text="Servicios de emergencia")).to_have_count(1)
    expect(names.filter(has_text="Línea de la Vida")).to_have_count(1)
    assert serious_axe_violations(page) == []
    shoot(page, "crisis-card-es", tmp_path)
    dialog.get_by_role("button", name="Cerrar").click()
    expect(dialog).to_be_hidden()


def test_the_picker_switches_the_language_and_it_sticks(pages):
    page = pages.open("/resources/?country=US", viewport=PHONE, locale="en-US")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change").click()
    expect(page).to_have_url(re.compile(r"/resources/\?country=US$"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Líneas de crisis en Estados Unidos")
    # The 988 Lifeline's Spanish option comes first for a Spanish speaker.
    expect(page.locator(".resource-name").nth(1)).to_contain_text("988 Lifeline en español")
    assert serious_axe_violations(page) == []
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.get_by_label("Idioma").select_option("en")
    page.get_by_role("button", name="Cambiar").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_the_drop_in_line_in_spanish_reaches_a_spanish_speaking_supporter(pages, tmp_path):
    # A peer supporter says on their settings that they take chats in Spanish,
    # and is open to chats with a room open (so free to take one).
    luz = LiveStaff(pages.server, "ApoyoLuz")
    settings_page = pages.open("/me/", member=luz, **SPANISH)
    expect(settings_page.locator("html")).to_have_attribute("lang", "es")
    languages = settings_page.get_by_role(
        "group", name="Idiomas en los que atiendes chats de la fila"
    )
    expect(languages.locator("label[lang=es]")).to_have_text("Español")
    languages.get_by_label("Español").check()
    settings_page.get_by_role("button", name="Guardar").click()
    expect(settings_page.locator("#prefs-status")).to_have_text("Guardado.")
    settings_page.get_by_label("Disponible para un chat uno a uno").check()
    expect(settings_page.locator(".presence-status")).to_contain_text("uno a uno")
    assert serious_axe_violations(settings_page) == []
    supporter = pages.open("/rooms/de-madrugada/", member=luz, **SPANISH)
    wait_connected(supporter)
    # A facilitator on duty who speaks only English, free too.
    english = LiveStaff(pages.server, "FacilEnglish")
    facil = pages.open("/facilitators/", member=english)
    wait_dashboard(facil)
    facil.get_by_role("switch", name="On duty").check()
    expect(facil.locator("#duty-state")).to_have_text("You're on duty.")

    # The member asks in Spanish (their page's language, chosen for them).
    waiting = pages.member("MarEnLaFila")
    member = pages.open("/dropin/", member=waiting, **SPANISH)
    expect(member.get_by_role("heading", level=1)).to_have_text("Habla con alguien ahora")
    talk_in = member.get_by_label("Idioma en el que quieres hablar")
    expect(talk_in).to_have_value("es")
    expect(talk_in.locator("option[value=es]")).to_have_attribute("lang", "es")
    member.get_by_role("button", name="Habla con alguien ahora").click()
    expect(member.locator("#waiting-heading")).to_be_focused()
    expect(member.locator("#place")).to_have_text("Eres la siguiente persona en la fila.")
    # Counted among those who speak Spanish: the supporter, not the facilitator.
    expect(member.locator("#helpers")).to_have_text(
        "Ahora mismo hay 1 persona disponible para atender chats."
    )
    expect(member.get_by_role("link", name="De madrugada")).to_be_visible()
    assert serious_axe_violations(member) == []
    shoot(member, "dropin-es", tmp_path)

    # The Spanish speaker is offered it, in their room; the facilitator isn't (yet).
    offer = supporter.locator(".chat-notice").filter(
        has_text="Alguien en la fila quiere hablar ahora, en español."
    )
    expect(offer).to_have_count(1)
    assert english.client.get("/api/dropin/line/").json() == []
    assert serious_axe_violations(supporter) == []
    with supporter.context.expect_page() as opened:
        offer.get_by_role("button", name="Atender este chat").click()
    chat = opened.value
    expect(member).to_have_url(chat.url, timeout=15_000)
    wait_connected(member)
    expect(member.get_by_role("heading", level=1)).to_have_text("Chat con ApoyoLuz")
    expect(member.locator(".room-description")).to_contain_text("ApoyoLuz atendió tu solicitud")
    send(chat, "Hola, soy ApoyoLuz. Me alegra que escribieras. ¿Qué está pasando esta noche?")
    expect(member.locator("#message-list li[data-id]")).to_contain_text(["Me alegra"])
    assert serious_axe_violations(member) == []
    facil.get_by_role("switch", name="On duty").uncheck()
    expect(facil.locator("#duty-state")).to_have_text("You're off duty.")


def test_the_facilitators_dashboard_in_spanish(pages):
    staff = LiveStaff(pages.server, "FacilEspanol")
    facil = pages.open("/facilitators/", member=staff, locale="es-ES")
    wait_dashboard(facil)
    expect(facil.locator("html")).to_have_attribute("lang", "es")
    expect(facil.get_by_role("heading", level=1)).to_have_text("Panel de facilitación")
    expect(facil.get_by_role("tab", name=re.compile("^Cola"))).to_be_visible()
    duty = facil.get_by_role("switch", name="De servicio")
    duty.check()
    expect(facil.locator("#duty-state")).to_have_text("Estás de servicio.")
    facil.get_by_role("tab", name="Salas").click()
    row = facil.locator('[data-room="de-madrugada"]')
    expect(row.locator(".room-state")).to_contain_text("Abierta")
    expect(row.get_by_role("button", name="Cerrar De madrugada")).to_be_visible()
    facil.get_by_role("tab", name="Registro de auditoría").click()
    assert serious_axe_violations(facil) == []
    duty.uncheck()
    expect(facil.locator("#duty-state")).to_have_text("Estás fuera de servicio.")
