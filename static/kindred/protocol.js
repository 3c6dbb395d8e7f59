// The protocol's constants, as the server's core/protocol.py has them (docs/protocol.md).
// The object between the markers is plain JSON: tests/test_client_protocol.py reads it and
// compares it with core.protocol.as_json(), so the two can't drift apart unnoticed.

// protocol:begin
const SPEC = {
  "close": {
    "FLOOD": 4429,
    "FORBIDDEN": 4403,
    "IDLE": 4000,
    "KICKED": 4001,
    "NOT_FOUND": 4404,
    "NO_SESSION": 4401,
    "RESTART": 1012,
    "SLOW_READER": 4408,
    "TOO_BIG": 1009
  },
  "closeFinal": [4001, 4401, 4403, 4404],
  "refMaxLength": 64
};
// protocol:end

/** Close codes by name: CLOSE.KICKED === 4001. */
export const CLOSE = Object.freeze({ ...SPEC.close });

/** Close codes after which a client does not reconnect by itself. */
export const CLOSE_FINAL = Object.freeze(new Set(SPEC.closeFinal));

/** The longest request id (`ref`) a frame may carry. */
export const REF_MAX_LENGTH = SPEC.refMaxLength;

/** Why a socket stopped, in the words pages switch on: 4401 -> "no_session". */
export const STOP_REASONS = Object.freeze(Object.fromEntries(
  Object.entries(SPEC.close)
    .filter(([, code]) => CLOSE_FINAL.has(code))
    .map(([name, code]) => [code, name.toLowerCase()]),
));
