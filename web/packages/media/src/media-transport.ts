import type { KeyValuePair } from "@moqlive/moqt";

/**
 * What the media code needs from a MOQT session, kept this small so capture/encode/playback do not depend on the
 * session's internals. The apps adapt `@moqlive/moqt`'s session to it.
 */

/** One published track: groups are written in order, objects in order within a group (subgroup 0). */
export interface TrackWriter {
  /** Starts group `groupId`; the previous group (if any) is finished. */
  startGroup(groupId: bigint): GroupWriter;
  close(): void;
  /** Closed by the application, or by the session (the namespace was withdrawn or the session ended): writes would fail. */
  readonly closed: boolean;
}

export interface GroupWriter {
  write(objectId: bigint, properties: readonly KeyValuePair[], payload: Uint8Array): void;
  close(): void;
}

/** A received object of a subscribed track. */
export interface ReceivedObject {
  readonly groupId: bigint;
  readonly objectId: bigint;
  readonly properties: readonly KeyValuePair[];
  readonly payload: Uint8Array;
  /** Delivered by a joining FETCH: published before the subscription began, so its arrival time says nothing of the path's delay. */
  readonly fetched?: boolean;
}

/** A subscription: objects in arrival order; ends when the publisher ends the track or the session closes. */
export interface TrackReader extends AsyncIterable<ReceivedObject> {
  close(): void;
}

/** Subscribes to tracks of one channel. */
export interface ChannelSubscriber {
  /**
   * Subscribes from the next object on. With `joining`, the current group's objects from its first (the key frame)
   * come first, through a joining FETCH, for a fast start.
   */
  subscribe(track: string, joining: boolean): Promise<TrackReader>;
}
