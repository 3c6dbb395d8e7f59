// How long to wait before reconnecting: exponential, capped, with jitter so that many
// clients dropped at once (a server restart) don't all come back in the same instant.

/**
 * The delay before reconnect attempt *attempt* (0 for the first): between half and all
 * of min(maxMs, baseMs * 2^attempt), and never under *minMs*.
 */
export function backoffDelay(attempt, { baseMs = 500, maxMs = 30000, minMs = 0, random = Math.random } = {}) {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.max(minMs, ceiling / 2 + random() * (ceiling / 2));
}
