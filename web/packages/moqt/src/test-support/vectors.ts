import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { bytesToHex, hexToBytes } from "./hex.ts";

/** One entry of testdata/moqt-19/vectors.json (see testdata/moqt-19/README.md). */
export interface Vector {
  readonly name: string;
  readonly kind: string;
  readonly hex: string;
  readonly decodeOnly?: boolean;
  readonly fields: Record<string, unknown>;
}

const path = fileURLToPath(new URL("../../../../../testdata/moqt-19/vectors.json", import.meta.url));

export function loadVectors(): Vector[] {
  const file = JSON.parse(readFileSync(path, "utf8")) as { version: string; vectors: Vector[] };
  if (file.version !== "moqt-19") throw new Error(`unexpected vectors version ${file.version}`);
  return file.vectors;
}

/** Members the README calls computed ("can be ignored by other decoders"), except `type` which we model. */
const COMPUTED = new Set(["count", "streamType", "datagramType", "rangeCount", "isBytes", "endGroup"]);

/** Vector `fields` without the computed members. */
export function stripComputed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripComputed);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (!COMPUTED.has(k)) out[k] = stripComputed(v);
    return out;
  }
  return value;
}

/** Our decoded value in the vectors' JSON conventions: bigint → number (or decimal string above 2^53 - 1), bytes → hex. */
export function toVectorJson(value: unknown): unknown {
  if (typeof value === "bigint") return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return bytesToHex(value);
  if (Array.isArray(value)) return value.map(toVectorJson);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toVectorJson(v);
    return out;
  }
  return value;
}

// Keys whose vector value is hex bytes, and keys whose numbers are bigint in our model.
const BYTES_KEYS = new Set(["trackName", "payload", "bytes"]);
const NAMESPACE_KEYS = new Set(["trackNamespace", "trackNamespacePrefix", "trackNamespaceSuffix"]);
const NUMBER_KEYS = new Set([
  "type",
  "publisherPriority",
  "subscriberPriority",
  "groupOrder",
  "setId",
  "subgroupIdMode",
  "kind",
  "aliasType",
  "status",
  "fetchType",
  "paddingLength",
]);
/** Under these parents `type` is a Key-Value-Pair type (bigint), not a message or parameter type. */
const PAIR_LISTS = new Set(["properties", "trackProperties", "unknownOptions"]);

function big(v: unknown): bigint {
  if (typeof v === "number" || typeof v === "string") return BigInt(v);
  throw new Error(`expected an integer, got ${JSON.stringify(v)}`);
}

/** Vector `fields` → our model (bigint, Uint8Array), driven by key names. Computed members must be stripped first. */
export function fromVectorJson(value: unknown, key = "", parent = ""): unknown {
  if (value === null) return null;
  if (NAMESPACE_KEYS.has(key)) return (value as string[]).map(hexToBytes);
  if (BYTES_KEYS.has(key) || (key === "value" && parent === "authorizationTokens")) return hexToBytes(value as string);
  if (Array.isArray(value)) return value.map((v) => fromVectorJson(v, key === "encodedValues" ? "encodedValue" : "", key));
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = fromVectorJson(v, k, parent);
    return out;
  }
  if (typeof value === "number" || typeof value === "string") {
    if (typeof value === "string" && !/^\d+$/.test(value)) return value;
    if (key === "type" && PAIR_LISTS.has(parent)) return big(value);
    if (NUMBER_KEYS.has(key)) return Number(value);
    return big(value);
  }
  return value;
}
