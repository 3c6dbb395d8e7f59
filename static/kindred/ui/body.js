// The one way a message body becomes HTML.
//
// Safety rule: a message `body` (server-sanitised HTML with only <a> and <br>) is the
// only text ever parsed as HTML, and even that is checked again here. Everything
// else (handles, errors, crisis text, resources) goes through textContent.

export const SAFE_HREF = /^https?:\/\//i;
const LINK_ATTRIBUTES = new Set(["href", "rel", "target"]);

function isSafeFragment(fragment) {
  for (const element of fragment.querySelectorAll("*")) {
    const tag = element.tagName;
    if (tag === "BR") {
      if (element.attributes.length) return false;
    } else if (tag === "A") {
      for (const attribute of element.attributes) {
        if (!LINK_ATTRIBUTES.has(attribute.name)) return false;
      }
      if (!SAFE_HREF.test(element.getAttribute("href") || "")) return false;
    } else {
      return false;
    }
  }
  return true;
}

/**
 * Puts a message body into *element*. The body is parsed in an inert <template>
 * (nothing runs, nothing loads); if it holds anything but <a href="http(s)…"> and
 * <br> it is shown as plain text instead.
 */
export function renderBody(element, html) {
  const template = document.createElement("template");
  template.innerHTML = typeof html === "string" ? html : "";
  const fragment = template.content;
  if (isSafeFragment(fragment)) {
    for (const link of fragment.querySelectorAll("a")) {
      link.setAttribute("rel", "nofollow noopener noreferrer ugc");
      link.setAttribute("target", "_blank");
    }
    element.replaceChildren(fragment);
  } else {
    element.textContent = fragment.textContent;
  }
}

/** The words of a message body, for the screen-reader announcement. */
export function plainText(html) {
  const template = document.createElement("template");
  template.innerHTML = typeof html === "string" ? html : "";
  for (const br of template.content.querySelectorAll("br")) br.replaceWith(" ");
  return (template.content.textContent || "").replace(/\s+/g, " ").trim();
}
