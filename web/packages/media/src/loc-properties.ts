import { bytesPair, intPair, type KeyValuePair } from "@moqlive/moqt";

/** LOC object properties MoqLive uses (draft-ietf-moq-loc-04 §2.3; docs/media-format.md "Media tracks"). */
export const LocProperty = {
  /** Even type: a vi64, the capture time in µs since the Unix epoch (no TIMESCALE property). */
  timestamp: 0x10n,
  /** Odd type: bytes, the decoder description, on the first object of each video group. */
  videoConfig: 0x0dn,
} as const;

export interface LocProperties {
  /** Capture time in µs since the Unix epoch, on the server's clock. */
  readonly timestampUs: bigint;
  readonly videoConfig?: Uint8Array;
}

export class LocPropertyError extends Error {
  override name = "LocPropertyError";
}

/** Key-Value-Pairs in ascending type order, as the moqt codec writes them (delta-encoded types). */
export function encodeLocProperties(properties: LocProperties): KeyValuePair[] {
  const pairs: KeyValuePair[] = [];
  if (properties.videoConfig !== undefined) pairs.push(bytesPair(LocProperty.videoConfig, properties.videoConfig));
  pairs.push(intPair(LocProperty.timestamp, properties.timestampUs));
  return pairs;
}

/** Reads TIMESTAMP (required) and VIDEO_CONFIG; other properties are ignored as LOC allows. */
export function decodeLocProperties(pairs: readonly KeyValuePair[]): LocProperties {
  let timestampUs: bigint | undefined;
  let videoConfig: Uint8Array | undefined;
  for (const pair of pairs) {
    if (pair.type === LocProperty.timestamp) {
      if (timestampUs !== undefined) throw new LocPropertyError("TIMESTAMP (0x10) appears twice.");
      timestampUs = pair.value;
    } else if (pair.type === LocProperty.videoConfig) {
      if (videoConfig !== undefined) throw new LocPropertyError("VIDEO_CONFIG (0x0D) appears twice.");
      videoConfig = pair.bytes;
    }
  }
  if (timestampUs === undefined) throw new LocPropertyError("The object has no TIMESTAMP (0x10) property.");
  return videoConfig === undefined ? { timestampUs } : { timestampUs, videoConfig };
}
