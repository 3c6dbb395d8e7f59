// Limits the server decides (Django settings), read from data attributes that
// kindred/context_processors.py puts on <body>: never written down twice in JS.

import { gettext, interpolate } from "./i18n.js";

/** {messageMaxLength, handleMin, handleMax, handle: RegExp of a whole handle}. */
export function pageLimits(body = document.body) {
  const data = body.dataset;
  return {
    messageMaxLength: Number(data.messageMaxLength),
    handleMin: Number(data.handleMin),
    handleMax: Number(data.handleMax),
    handle: new RegExp(`^(?:${data.handlePattern})$`),
  };
}

/** What a handle may be, in words. */
export function handleWords(limits) {
  return interpolate(gettext("A handle is %(low)s to %(high)s letters, digits or underscores"),
    { low: limits.handleMin, high: limits.handleMax });
}
