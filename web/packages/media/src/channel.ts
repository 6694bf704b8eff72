/** A channel's namespace, track names and publisher priorities (docs/media-format.md "Namespaces and tracks"). */

const CHANNEL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export const TrackName = {
  catalog: "catalog",
  videoHd: "video/hd",
  videoSd: "video/sd",
  audio: "audio",
} as const;

/** Publisher priority per track; lower is more important (docs/media-format.md "Media tracks"). */
export const PublisherPriority = {
  catalog: 0,
  audio: 64,
  videoSd: 96,
  videoHd: 128,
} as const;

export function isValidChannelName(name: string): boolean {
  return CHANNEL_NAME.test(name);
}

/** The track namespace `["live", NAME]` of a channel; throws for a name outside `[A-Za-z0-9_-]{1,64}`. */
export function channelNamespace(name: string): string[] {
  if (!isValidChannelName(name)) throw new RangeError(`A channel name is 1–64 characters of A–Z, a–z, 0–9, _ and -; got "${name}".`);
  return ["live", name];
}

/** The channel name of a namespace `["live", NAME]`, or undefined for anything else. */
export function channelNameOf(namespace: readonly string[]): string | undefined {
  if (namespace.length !== 2 || namespace[0] !== "live") return undefined;
  const name = namespace[1] ?? "";
  return isValidChannelName(name) ? name : undefined;
}

/**
 * Group IDs of one track (MSF §6.1): the first is the start time in ms since the Unix epoch, then +1 per group, so a
 * restarted publisher never reuses a group ID.
 */
export class GroupSequence {
  #next: bigint;

  constructor(startTimeMs: number) {
    this.#next = BigInt(Math.round(startTimeMs));
  }

  next(): bigint {
    const id = this.#next;
    this.#next += 1n;
    return id;
  }
}
