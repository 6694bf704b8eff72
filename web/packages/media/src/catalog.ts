/**
 * The channel catalog: MSF (draft-ietf-moq-msf-00 §5) JSON with LOC packaging, as docs/media-format.md "Catalog track"
 * fixes it. One independent catalog per group, no delta updates.
 */

export interface VideoTrack {
  readonly name: string;
  readonly role: "video";
  readonly codec: string;
  readonly width: number;
  readonly height: number;
  readonly framerate: number;
  readonly bitrate: number;
  /** WebCodecs `VideoDecoderConfig.description` (avcC body for avc1.*); absent for VP8/VP9. */
  readonly initData?: Uint8Array;
}

export interface AudioTrack {
  readonly name: string;
  readonly role: "audio";
  readonly codec: string;
  readonly samplerate: number;
  readonly channelConfig: string;
  readonly bitrate: number;
  readonly initData?: Uint8Array;
}

export type CatalogTrack = VideoTrack | AudioTrack;

export interface Catalog {
  readonly generatedAt: number;
  /** False while live; a final catalog with `isComplete` true and no tracks ends the broadcast (MSF §5.1.7). */
  readonly isComplete: boolean;
  readonly targetLatency: number;
  readonly title: string;
  readonly tracks: readonly CatalogTrack[];
}

export class CatalogError extends Error {
  override name = "CatalogError";
}

/** The catalog's JSON text (docs/media-format.md field set; track objects inherit the catalog's namespace). */
export function buildCatalog(catalog: Catalog): string {
  const tracks = catalog.tracks.map((track) => {
    const common = {
      name: track.name,
      packaging: "loc",
      isLive: true,
      targetLatency: catalog.targetLatency,
      role: track.role,
      renderGroup: 1,
      codec: track.codec,
    };
    const initData = track.initData === undefined ? {} : { initData: toBase64(track.initData) };
    return track.role === "video"
      ? {
          ...common,
          width: track.width,
          height: track.height,
          framerate: track.framerate,
          bitrate: track.bitrate,
          altGroup: 1,
          ...initData,
        }
      : { ...common, samplerate: track.samplerate, channelConfig: track.channelConfig, bitrate: track.bitrate, ...initData };
  });
  return JSON.stringify({
    version: 1,
    generatedAt: catalog.generatedAt,
    isComplete: catalog.isComplete,
    tracks,
    moqlive: { title: catalog.title },
  });
}

export function encodeCatalog(catalog: Catalog): Uint8Array {
  return new TextEncoder().encode(buildCatalog(catalog));
}

/**
 * Parses and validates a catalog object's payload. Unknown fields are ignored (MSF §5.1); tracks with another packaging
 * or role are skipped; anything this player cannot use safely throws {@link CatalogError} saying which field is wrong.
 */
export function parseCatalog(payload: Uint8Array | string): Catalog {
  let json: unknown;
  try {
    json = JSON.parse(typeof payload === "string" ? payload : new TextDecoder("utf-8", { fatal: true }).decode(payload));
  } catch (e) {
    throw new CatalogError(`The catalog is not UTF-8 JSON: ${(e as Error).message}`);
  }
  const root = asObject(json, "catalog");
  if (root.version !== 1) throw new CatalogError(`Unsupported catalog version ${JSON.stringify(root.version)} (expected 1).`);
  if ("deltaUpdate" in root) throw new CatalogError("Delta updates are not used by MoqLive channels.");
  const generatedAt = number(root, "generatedAt", "catalog");
  const isComplete = root.isComplete === undefined ? false : boolean(root, "isComplete", "catalog");
  if (!Array.isArray(root.tracks)) throw new CatalogError("catalog.tracks must be an array.");
  const moqlive = root.moqlive === undefined ? {} : asObject(root.moqlive, "catalog.moqlive");
  const title = typeof moqlive.title === "string" ? moqlive.title : "";

  const tracks: CatalogTrack[] = [];
  const names = new Set<string>();
  let targetLatency = 0;
  root.tracks.forEach((value: unknown, index: number) => {
    const where = `catalog.tracks[${index}]`;
    const track = asObject(value, where);
    const name = string(track, "name", where);
    if (names.has(name)) throw new CatalogError(`${where}.name "${name}" appears twice.`);
    names.add(name);
    if (track.packaging !== "loc") return;
    if (typeof track.targetLatency === "number") targetLatency = Math.max(targetLatency, track.targetLatency);
    const codec = string(track, "codec", where);
    const initData = track.initData === undefined ? {} : { initData: fromBase64(string(track, "initData", where), `${where}.initData`) };
    if (track.role === "video") {
      tracks.push({
        name,
        role: "video",
        codec,
        width: positive(track, "width", where),
        height: positive(track, "height", where),
        framerate: track.framerate === undefined ? 30 : positive(track, "framerate", where),
        bitrate: track.bitrate === undefined ? 0 : number(track, "bitrate", where),
        ...initData,
      });
    } else if (track.role === "audio") {
      tracks.push({
        name,
        role: "audio",
        codec,
        samplerate: positive(track, "samplerate", where),
        channelConfig: track.channelConfig === undefined ? "2" : string(track, "channelConfig", where),
        bitrate: track.bitrate === undefined ? 0 : number(track, "bitrate", where),
        ...initData,
      });
    }
  });
  return { generatedAt, isComplete, targetLatency, title, tracks };
}

/** Video tracks, best first (most pixels), for rendition choice. */
export function videoRenditions(catalog: Catalog): VideoTrack[] {
  return catalog.tracks.filter((t): t is VideoTrack => t.role === "video").sort((a, b) => b.width * b.height - a.width * a.height);
}

export function audioTrack(catalog: Catalog): AudioTrack | undefined {
  return catalog.tracks.find((t): t is AudioTrack => t.role === "audio");
}

function asObject(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new CatalogError(`${where} must be a JSON object.`);
  return value as Record<string, unknown>;
}

function string(o: Record<string, unknown>, key: string, where: string): string {
  const value = o[key];
  if (typeof value !== "string" || value.length === 0) throw new CatalogError(`${where}.${key} must be a non-empty string.`);
  return value;
}

function number(o: Record<string, unknown>, key: string, where: string): number {
  const value = o[key];
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) throw new CatalogError(`${where}.${key} must be a number ≥ 0.`);
  return value;
}

function positive(o: Record<string, unknown>, key: string, where: string): number {
  const value = number(o, key, where);
  if (value === 0) throw new CatalogError(`${where}.${key} must be greater than 0.`);
  return value;
}

function boolean(o: Record<string, unknown>, key: string, where: string): boolean {
  const value = o[key];
  if (typeof value !== "boolean") throw new CatalogError(`${where}.${key} must be true or false.`);
  return value;
}

export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function fromBase64(text: string, where: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new CatalogError(`${where} is not base64.`);
  }
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
