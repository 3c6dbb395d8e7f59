// A topic room's page (room.html): the conversation, and the room's meeting if one runs.

import { mountConversation } from "./conversation/mount.js";
import { wireMeeting } from "./meetings/room-meeting.js";

wireMeeting(mountConversation(document.getElementById("room-page")));
