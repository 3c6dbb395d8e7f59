// Words for people, in the page's language. The translations are Django's
// JavaScript catalogue, written by `make messages` to static/kindred/catalogs/<code>.js,
// a plain script base.html loads before any module (an external file, as the CSP
// wants); without it (English pages, node's tests, a failed load) the English
// source text is shown. Mark every string people read with gettext or
// ngettext so `make messages` finds it (docs/i18n.md).

function catalog() {
  return globalThis.django;
}

/** The page's language ("en", "es"): `<html lang>`, for Intl's dates and numbers. */
export function pageLanguage() {
  const lang = globalThis.document?.documentElement?.lang;
  return lang || undefined;
}

/** *text* in the page's language. */
export function gettext(text) {
  const django = catalog();
  return django ? django.gettext(text) : text;
}

/** The singular or plural form, in the page's language, for *count*. */
export function ngettext(singular, plural, count) {
  const django = catalog();
  if (django) return django.ngettext(singular, plural, count);
  return count === 1 ? singular : plural;
}

/** Fills `%(name)s` in a translated *text* from *values* ("%(count)s new"). */
export function interpolate(text, values) {
  return text.replace(/%\((\w+)\)s/g, (whole, name) =>
    Object.hasOwn(values, name) ? String(values[name]) : whole);
}
