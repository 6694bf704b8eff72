import { decodeUtf8 } from "../wire/byte-reader.ts";
import { encodeUtf8 } from "../wire/byte-writer.ts";
import type { TrackNamespace } from "../wire/track-namespace.ts";

/** Namespaces and track names are UTF-8 strings in the API and byte strings on the wire (draft-19 "Track Naming"). */
export function encodeNamespace(ns: readonly string[]): TrackNamespace {
  return ns.map((field) => encodeUtf8(field));
}

export function decodeNamespace(ns: TrackNamespace): string[] {
  return ns.map((field) => decodeUtf8(field));
}

/** A map key for a namespace (fields cannot contain U+0000 ambiguity issues: JSON quotes every field). */
export function namespaceKey(ns: readonly string[]): string {
  return JSON.stringify(ns);
}

export function trackKey(ns: readonly string[], name: string): string {
  return JSON.stringify([...ns, name]);
}

export function isNamespacePrefix(prefix: readonly string[], ns: readonly string[]): boolean {
  return prefix.length <= ns.length && prefix.every((field, i) => ns[i] === field);
}
