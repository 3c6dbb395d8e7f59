// The dashboard's tabs (queue, drop-in line, rooms, audit), with arrow-key movement.
// Other modules say what to do when their tab is shown (onTabShown).

import { byId as $ } from "../dom.js";

const shown = new Map(); // tab id -> what to do when it is shown

export function onTabShown(tabId, run) {
  shown.set(tabId, run);
}

const tabs = [...document.querySelectorAll("[role=tab]")];

export function selectTab(tab, { focus = false } = {}) {
  for (const other of tabs) {
    const selected = other === tab;
    other.setAttribute("aria-selected", String(selected));
    other.tabIndex = selected ? 0 : -1;
    $(other.getAttribute("aria-controls")).hidden = !selected;
  }
  if (focus) tab.focus();
  shown.get(tab.id)?.();
}

for (const tab of tabs) {
  tab.addEventListener("click", () => selectTab(tab));
  tab.addEventListener("keydown", (event) => {
    const index = tabs.indexOf(tab);
    const next = {
      ArrowRight: tabs[(index + 1) % tabs.length],
      ArrowLeft: tabs[(index - 1 + tabs.length) % tabs.length],
      Home: tabs[0],
      End: tabs[tabs.length - 1],
    }[event.key];
    if (next) {
      event.preventDefault();
      selectTab(next, { focus: true });
    }
  });
}
