// Join page: choose or generate a handle, accept the guidelines, see the recovery
// phrase once; or recover a handle with its phrase. Talks to /api/session/.

import { byId as $ } from "./dom.js";
import { ensureCsrf, postJSON } from "./http.js";
import { handleWords, pageLimits } from "./limits.js";
import { safeNext } from "./nav.js";
import { gettext, interpolate } from "./i18n.js";

const page = $("join-page");
const next = safeNext(page.dataset.next);
const LIMITS = pageLimits();

ensureCsrf();

function setError(field, errorElement, message) {
  errorElement.textContent = message || "";
  if (field) {
    if (message) field.setAttribute("aria-invalid", "true");
    else field.removeAttribute("aria-invalid");
  }
}

function busy(button, on, words) {
  button.disabled = on;
  if (words) button.textContent = words;
}

function showPhrase(handle, phrase, recovered) {
  $("join-section").hidden = true;
  $("recover-section").hidden = true;
  const already = $("already-in");
  if (already) already.hidden = true;
  $("phrase-handle").textContent = handle;
  $("phrase").textContent = phrase;
  $("phrase-intro").textContent = recovered
    ? gettext("Welcome back. Your old recovery phrase no longer works: this is your new one, shown only once.")
    : gettext("This is your recovery phrase. We show it only once.");
  $("continue-link").setAttribute("href", next);
  $("continue-link").textContent = next.startsWith("/rooms/") ? gettext("Continue to the room") : gettext("Continue");
  $("phrase-section").hidden = false;
  $("phrase-section").focus();
}

// --- join --------------------------------------------------------------------

const joinForm = $("join-form");
const handleInput = $("handle");
const accept = $("accept");

joinForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const handle = handleInput.value.trim();
  setError(handleInput, $("handle-error"), "");
  setError(accept, $("accept-error"), "");
  $("join-error").textContent = "";
  let invalid = null;
  if (handle && !LIMITS.handle.test(handle)) {
    setError(handleInput, $("handle-error"), interpolate(gettext("%(value)s (no spaces)."), { value: handleWords(LIMITS) }));
    invalid = handleInput;
  }
  if (!accept.checked) {
    setError(accept, $("accept-error"), gettext("Please read the guidelines and tick the box to join."));
    invalid = invalid || accept;
  }
  if (invalid) {
    invalid.focus();
    return;
  }
  const button = $("join-button");
  busy(button, true, gettext("Joining…"));
  const body = {};
  if (handle) body.handle = handle;
  const country = $("country").value;
  if (country) body.country = country;
  const result = await postJSON("/api/session/", body);
  busy(button, false, gettext("Join"));
  if (result.ok) {
    showPhrase(result.data.handle, result.data.recovery_code, false);
    return;
  }
  const detail = result.data.detail;
  if (handle && result.status === 400 && result.data.error !== "bad_json") {
    setError(handleInput, $("handle-error"), detail);
    handleInput.focus();
  } else {
    $("join-error").textContent = detail;
  }
});

// --- the phrase ------------------------------------------------------------------

$("copy-phrase").addEventListener("click", async () => {
  const phrase = $("phrase").textContent;
  const copyStatus = $("copy-status");
  try {
    if (!navigator.clipboard || !window.isSecureContext) throw new Error("no clipboard");
    await navigator.clipboard.writeText(phrase);
    copyStatus.textContent = gettext("Copied. Now paste it somewhere safe.");
  } catch {
    // Fallback: select the phrase so the member can copy it themselves.
    const range = document.createRange();
    range.selectNodeContents($("phrase"));
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    copyStatus.textContent = gettext("The phrase is selected: copy it with your device's copy command.");
  }
});

// --- recover --------------------------------------------------------------------

$("recover-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const handleField = $("recover-handle");
  const codeField = $("recover-code");
  const error = $("recover-error");
  error.textContent = "";
  const handle = handleField.value.trim();
  const code = codeField.value.trim().replace(/\s+/g, " ");
  if (!handle || !code) {
    error.textContent = gettext("Enter both your handle and your recovery phrase.");
    (handle ? codeField : handleField).focus();
    return;
  }
  const button = $("recover-button");
  busy(button, true, gettext("Checking…"));
  const result = await postJSON("/api/session/recover/", { handle, recovery_code: code });
  busy(button, false, gettext("Recover my handle"));
  if (result.ok) {
    showPhrase(result.data.handle, result.data.recovery_code, true);
    return;
  }
  error.textContent = result.data.detail;
  codeField.focus();
});

// The forms are checked and sent by this script (they are novalidate): until
// it is running, a press would reload the page and lose what was typed.
$("join-button").disabled = false;
$("recover-button").disabled = false;
