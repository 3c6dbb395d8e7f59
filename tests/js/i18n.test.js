// static/kindred/i18n.js: the page's catalogue when there is one, English otherwise.
import { test } from "node:test";
import assert from "node:assert/strict";

import { gettext, interpolate, ngettext } from "../../static/kindred/i18n.js";
import { waitedWords } from "../../static/kindred/format.js";

test("without a catalogue the English source text is shown", () => {
  assert.equal(gettext("You're in line."), "You're in line.");
  assert.equal(ngettext("person here", "people here", 1), "person here");
  assert.equal(ngettext("person here", "people here", 3), "people here");
});

test("interpolate fills named placeholders and leaves unknown ones", () => {
  assert.equal(interpolate("%(who)s asked %(whom)s", { who: "Lark" }), "Lark asked %(whom)s");
  assert.equal(interpolate("%(count)s new", { count: 0 }), "0 new");
});

test("with a catalogue (as static/kindred/catalogs/es.js sets it) words are translated", () => {
  const catalog = {
    "You're in line.": "Estás en la fila.",
    "Waiting %(count)s minute": ["Esperando %(count)s minuto", "Esperando %(count)s minutos"],
  };
  globalThis.django = {
    gettext: (text) => (typeof catalog[text] === "string" ? catalog[text] : text),
    ngettext: (one, many, n) => (catalog[one] ? catalog[one][n === 1 ? 0 : 1] : n === 1 ? one : many),
  };
  try {
    assert.equal(gettext("You're in line."), "Estás en la fila.");
    assert.equal(gettext("Not in the catalogue"), "Not in the catalogue");
    assert.equal(waitedWords(5 * 60_000), "Esperando 5 minutos");
    assert.equal(waitedWords(60_000), "Esperando 1 minuto");
  } finally {
    delete globalThis.django;
  }
});
