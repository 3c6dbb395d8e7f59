// The connection indicator under the composer and on the dashboard: connected,
// reconnecting (with a countdown and "Try now"), or stopped, said aloud when it changes.

import { gettext, interpolate } from "../i18n.js";

const STOP_WORDS = {
  no_session: gettext("Your session has ended."),
  forbidden: gettext("You can't join this room."),
  not_found: gettext("There's no such room."),
  closed: gettext("Disconnected."),
};

export class ConnectionIndicator {
  constructor({ root, text, retry, announcer, onRetry }) {
    this.root = root;
    this.text = text;
    this.retry = retry;
    this.announcer = announcer;
    this.timer = null;
    this.lost = false;
    retry.addEventListener("click", () => onRetry());
  }

  update({ state, retryAt, reason }) {
    clearInterval(this.timer);
    this.root.dataset.state = state;
    this.retry.hidden = state !== "reconnecting";
    if (state === "connected") {
      this.text.textContent = gettext("Connected");
      if (this.lost) this.announcer.say(gettext("Reconnected."));
      this.lost = false;
    } else if (state === "connecting") {
      this.text.textContent = gettext("Connecting…");
    } else if (state === "reconnecting") {
      if (!this.lost) this.announcer.say(gettext("Connection lost. Reconnecting; your messages will wait."));
      this.lost = true;
      const render = () => {
        const seconds = retryAt ? Math.ceil((retryAt - Date.now()) / 1000) : 0;
        this.text.textContent = seconds > 0 ? interpolate(gettext("Reconnecting in %(seconds)s s…"), { seconds }) : gettext("Reconnecting…");
      };
      render();
      if (retryAt) this.timer = setInterval(render, 1000);
    } else if (state === "stopped") {
      this.text.textContent = STOP_WORDS[reason] || gettext("Disconnected.");
    }
  }
}

