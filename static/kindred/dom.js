// Building the page: elements from text (never from HTML), focus that doesn't get lost,
// and live-region announcements for screen readers.

/** The element with id *id*, or null. */
export function byId(id) {
  return document.getElementById(id);
}

/** A <tag class=className> holding *text* as text. */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

/** A type=button <button>; *label* becomes its aria-label. */
export function button(text, className, onClick, label) {
  const node = el("button", className, text);
  node.type = "button";
  if (label) node.setAttribute("aria-label", label);
  if (onClick) node.addEventListener("click", onClick);
  return node;
}

/** A link; *newTab* opens it in a new tab without giving that tab a way back. */
export function link(href, text, className = "", { newTab = false } = {}) {
  const node = el("a", className, text);
  node.href = href;
  if (newTab) {
    node.target = "_blank";
    node.rel = "noopener";
  }
  return node;
}

/** A role=status line. */
export function statusLine(className, id) {
  const node = el("p", className);
  node.setAttribute("role", "status");
  if (id) node.id = id;
  return node;
}

/** Removes *node*; if it held keyboard focus, focus moves to *next()* instead of the page. */
export function removeKeepingFocus(node, next) {
  const hadFocus = node.contains(document.activeElement);
  node.remove();
  if (hadFocus) next()?.focus();
}

/**
 * Rebuilds *list* with *children*, putting focus back on the control of the same
 * [data-key] row (and the same position in it) if one had it; else *gone()*.
 */
export function replaceKeepingFocus(list, children, gone = () => null) {
  const focused = document.activeElement;
  const row = list.contains(focused) ? focused.closest("[data-key]") : null;
  const key = row?.dataset.key;
  const index = row ? [...row.querySelectorAll("button, a")].indexOf(focused) : -1;
  list.replaceChildren(...children);
  if (!key) return;
  const again = list.querySelector(`[data-key="${CSS.escape(key)}"]`);
  const target = again?.querySelectorAll("button, a")[index] || again?.querySelector("button, a");
  (target || gone())?.focus();
}

/** A live region that says things; it keeps the last *keep* lines. */
export class Announcer {
  constructor(region, keep = 4) {
    this.region = region;
    this.keep = keep;
  }

  say(text) {
    if (!text) return;
    this.region.append(el("p", "", text));
    while (this.region.childElementCount > this.keep) this.region.firstElementChild.remove();
  }
}

/** Remembers what opened each <dialog> and gives it focus back when the dialog closes. */
export class DialogFocus {
  constructor(fallback) {
    this.fallback = fallback; // () => the element to focus when the opener is gone
    this.opener = null;
  }

  open(dialog, opener) {
    this.opener = opener || null;
    dialog.querySelector(".form-error")?.replaceChildren();
    dialog.showModal();
  }

  /** Call from the dialog's close event. */
  restore() {
    const opener = this.opener;
    this.opener = null;
    const usable = opener && opener.isConnected && opener.offsetParent !== null;
    (usable ? opener : this.fallback())?.focus();
  }
}

/** Wires every [data-close-dialog] button inside *root* to close its dialog. */
export function wireDialogClosers(root = document) {
  for (const closer of root.querySelectorAll("[data-close-dialog]")) {
    closer.addEventListener("click", () => closer.closest("dialog").close());
  }
}
