// Home page: links to the streamer and the player, and the live channels.
import { followChannelList } from "./channel-list.ts";

followChannelList(document.getElementById("channels") as HTMLUListElement, (name) => `/watch/?channel=${encodeURIComponent(name)}`);
