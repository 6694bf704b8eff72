import { ObjectStatus } from "../wire/data/object-status.ts";
import type { KeyValuePair } from "../wire/key-value-pair.ts";
import type { Location } from "../wire/location.ts";
import type { MoqtObject } from "./moqt-object.ts";

/** A group as the track keeps it: its objects so far and whether it is complete. */
export interface CachedGroup {
  readonly groupId: bigint;
  readonly publisherPriority: number;
  readonly objects: MoqtObject[];
  closed: boolean;
}

/** Receives what the application writes into a track (a served subscription). */
export interface TrackListener {
  onObject(group: CachedGroup, object: MoqtObject): void;
  onGroupClosed(group: CachedGroup): void;
  onTrackClosed(): void;
}

export interface TrackWriterOptions {
  /** Publisher Priority of the track's objects, 0 (most important) to 255; default 128. */
  readonly publisherPriority?: number;
  /** Groups kept for FETCH and for subscriptions with an absolute start (default 4). */
  readonly cacheGroups?: number;
}

export interface WriteObjectOptions {
  /** Object Properties (e.g. LOC TIMESTAMP), any order: they are sorted by type for the wire. */
  readonly properties?: readonly KeyValuePair[];
}

const DEFAULT_PRIORITY = 128;
const DEFAULT_CACHE_GROUPS = 4;

/** Writes the objects of one group: subgroup 0, object IDs 0, 1, 2, ... (one subgroup stream per subscriber). */
export class GroupWriter {
  readonly groupId: bigint;
  readonly #track: TrackWriter;
  readonly #group: CachedGroup;
  #nextObjectId = 0n;

  /** @internal Created by TrackWriter.openGroup. */
  constructor(track: TrackWriter, group: CachedGroup) {
    this.#track = track;
    this.#group = group;
    this.groupId = group.groupId;
  }

  get closed(): boolean {
    return this.#group.closed;
  }

  /** Appends the next object; returns its location. */
  write(payload: Uint8Array, options: WriteObjectOptions = {}): Location {
    if (this.#group.closed) throw new Error(`group ${this.groupId} is closed`);
    const properties = [...(options.properties ?? [])].sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
    const object: MoqtObject = {
      group: this.groupId,
      subgroup: 0n,
      id: this.#nextObjectId++,
      publisherPriority: this.#group.publisherPriority,
      status: ObjectStatus.Normal,
      properties,
      payload,
      datagram: false,
    };
    this.#track.append(this.#group, object);
    return { group: object.group, object: object.id };
  }

  /** Ends the group: its subgroup streams end with FIN. */
  close(): void {
    this.#track.closeGroup(this.#group);
  }
}

/**
 * A track the application publishes (in a namespace announced with PUBLISH_NAMESPACE). The application writes
 * groups and objects; every subscription of the peer gets them, and FETCH is served from the last `cacheGroups`
 * groups. One group is open at a time: opening the next closes the previous.
 */
export class TrackWriter {
  readonly namespace: readonly string[];
  readonly name: string;
  readonly publisherPriority: number;
  readonly #cacheGroups: number;
  readonly #groups: CachedGroup[] = [];
  readonly #listeners = new Set<TrackListener>();
  #largest: Location | null = null;
  #open: CachedGroup | null = null;
  #closed = false;

  constructor(namespace: readonly string[], name: string, options: TrackWriterOptions = {}) {
    const priority = options.publisherPriority ?? DEFAULT_PRIORITY;
    if (!Number.isInteger(priority) || priority < 0 || priority > 255) throw new RangeError("publisherPriority is 0..255");
    const cacheGroups = options.cacheGroups ?? DEFAULT_CACHE_GROUPS;
    if (!Number.isInteger(cacheGroups) || cacheGroups < 1) throw new RangeError("cacheGroups must be at least 1");
    this.namespace = namespace;
    this.name = name;
    this.publisherPriority = priority;
    this.#cacheGroups = cacheGroups;
  }

  /** The largest location written (draft-19 "Largest Object"), or null before the first object. */
  get largest(): Location | null {
    return this.#largest;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Cached groups, oldest first. */
  get cachedGroups(): readonly CachedGroup[] {
    return this.#groups;
  }

  /** Opens a new group; `groupId` defaults to the previous group + 1 (0 for the first). IDs must increase. */
  openGroup(groupId?: bigint): GroupWriter {
    if (this.#closed) throw new Error(`track ${this.name} is closed`);
    const last = this.#groups.at(-1);
    const id = groupId ?? (last === undefined ? 0n : last.groupId + 1n);
    if (last !== undefined && id <= last.groupId) throw new RangeError(`group ${id} is not after group ${last.groupId}`);
    if (this.#open !== null) this.closeGroup(this.#open);
    const group: CachedGroup = { groupId: id, publisherPriority: this.publisherPriority, objects: [], closed: false };
    this.#groups.push(group);
    while (this.#groups.length > this.#cacheGroups) this.#groups.shift();
    this.#open = group;
    return new GroupWriter(this, group);
  }

  /** Ends the track: subscribers get PUBLISH_DONE (Track Ended) once their streams are done. */
  close(): void {
    if (this.#closed) return;
    if (this.#open !== null) this.closeGroup(this.#open);
    this.#closed = true;
    for (const listener of [...this.#listeners]) listener.onTrackClosed();
  }

  /** @internal */
  append(group: CachedGroup, object: MoqtObject): void {
    group.objects.push(object);
    this.#largest = { group: object.group, object: object.id };
    for (const listener of [...this.#listeners]) listener.onObject(group, object);
  }

  /** @internal */
  closeGroup(group: CachedGroup): void {
    if (group.closed) return;
    group.closed = true;
    if (this.#open === group) this.#open = null;
    for (const listener of [...this.#listeners]) listener.onGroupClosed(group);
  }

  /** @internal */
  addListener(listener: TrackListener): void {
    this.#listeners.add(listener);
  }

  /** @internal */
  removeListener(listener: TrackListener): void {
    this.#listeners.delete(listener);
  }

  /** Served subscriptions right now. */
  get subscriberCount(): number {
    return this.#listeners.size;
  }
}
