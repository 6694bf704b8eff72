import type { ByteReader } from "./byte-reader.ts";
import type { ByteWriter } from "./byte-writer.ts";
import { WireLimits } from "./limits.ts";
import { protocolViolation } from "./protocol-error.ts";

/** Track Namespace (draft-19 "Track Naming"): an ordered tuple of 0..32 non-empty byte fields. */
export type TrackNamespace = readonly Uint8Array[];

function byteLength(ns: TrackNamespace): number {
  let total = 0;
  for (const field of ns) total += field.length;
  return total;
}

export function validateTrackNamespace(ns: TrackNamespace): void {
  if (ns.length > WireLimits.maxNamespaceFields) throw new RangeError("a Track Namespace has at most 32 fields");
  if (ns.some((f) => f.length === 0)) throw new RangeError("Track Namespace Fields must not be empty");
  if (byteLength(ns) > WireLimits.maxFullTrackNameLength) throw new RangeError("a Track Namespace is at most 4096 bytes");
}

export function writeTrackNamespace(writer: ByteWriter, ns: TrackNamespace): void {
  validateTrackNamespace(ns);
  writer.writeVi64(ns.length);
  for (const field of ns) writer.writeLengthPrefixed(field);
}

export function readTrackNamespace(reader: ByteReader): Uint8Array[] {
  const count = reader.readLength(WireLimits.maxNamespaceFields, "Track Namespace field count");
  const fields: Uint8Array[] = [];
  let total = 0;
  for (let i = 0; i < count; i++) {
    const field = reader.readLengthPrefixed(WireLimits.maxFullTrackNameLength, "Track Namespace Field");
    if (field.length === 0) protocolViolation("Track Namespace Field Length is 0");
    total += field.length;
    if (total > WireLimits.maxFullTrackNameLength) protocolViolation("Track Namespace exceeds 4096 bytes");
    fields.push(field);
  }
  return fields;
}

/** Writes a Track Name after checking that namespace + name fit in 4096 bytes. */
export function writeTrackName(writer: ByteWriter, ns: TrackNamespace, name: Uint8Array): void {
  if (byteLength(ns) + name.length > WireLimits.maxFullTrackNameLength) throw new RangeError("a Full Track Name is at most 4096 bytes");
  writer.writeLengthPrefixed(name);
}

export function readTrackName(reader: ByteReader, ns: TrackNamespace): Uint8Array {
  return reader.readLengthPrefixed(WireLimits.maxFullTrackNameLength - byteLength(ns), "Full Track Name");
}
