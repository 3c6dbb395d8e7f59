// A topic room's page (room.html): the conversation, and nothing else of its own.

import { mountConversation } from "./conversation/mount.js";

mountConversation(document.getElementById("room-page"));
