import { Broadcast, Path, Time } from "@moq/net";
import { connect, type RelayArgs } from "./connect.ts";

export interface PublishArgs extends RelayArgs {
  /** Namespace fields joined by '/', as `moqlive subscribe --namespace` takes them. */
  namespace: string;
  track: string;
  groups: number;
  objectsPerGroup: number;
}

export interface PublishResult {
  version: string;
  sent: number;
  error?: string;
}

/**
 * Publishes `groups` groups of `objectsPerGroup` objects with payload `g<group> o<object>` once a subscriber is
 * attached (the relay's SUBSCRIBE upstream), so every object is published after the subscription exists. Objects
 * are paced (10 ms apart) so the relay forwards them live rather than as one burst.
 */
export async function publish(args: PublishArgs): Promise<PublishResult> {
  const result: PublishResult = { version: "", sent: 0 };
  try {
    const connection = await connect(args);
    result.version = connection.version;
    const broadcast = new Broadcast.Producer();
    const track = broadcast.createTrack(args.track);
    connection.publish(Path.from(args.namespace), broadcast);

    const deadline = Date.now() + 30_000;
    while (!track.used.peek()) {
      if (Date.now() > deadline) throw new Error("no subscriber attached within 30 s");
      await track.used.changed();
    }

    const encoder = new TextEncoder();
    for (let g = 0; g < args.groups; g++) {
      const group = track.appendGroup();
      for (let o = 0; o < args.objectsPerGroup; o++) {
        group.writeFrame({ payload: encoder.encode(`g${g} o${o}`), timestamp: Time.Timestamp.now() });
        result.sent++;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      group.close();
    }

    // Give the relay time to take the last objects before the session goes.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    track.close();
    broadcast.close();
    connection.close();
  } catch (e) {
    result.error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  return result;
}
