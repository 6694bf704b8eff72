import { type AuthorizationToken, parseAuthorizationToken, writeAuthorizationToken } from "./authorization-token.ts";
import type { ByteReader } from "./byte-reader.ts";
import { ByteWriter } from "./byte-writer.ts";
import { type GroupOrder, parseGroupOrder } from "./group-order.ts";
import { WireLimits } from "./limits.ts";
import type { Location } from "./location.ts";
import { type LocationFilter, parseLocationFilter, writeLocationFilter } from "./location-filter.ts";
import { isRangeFilterType, MessageParameterType } from "./message-parameter-type.ts";
import { MoqtMessageType } from "./message-type.ts";
import { protocolViolation } from "./protocol-error.ts";
import { parseRangeFilter, type RangeFilter, writeRangeFilter } from "./range-filter.ts";
import { readTrackNamespace, type TrackNamespace, writeTrackNamespace } from "./track-namespace.ts";
import { VI64_MAX } from "./vi64.ts";

/** Message Parameters (draft-19 "Message Parameters"); null = absent. Authorization tokens and range filters may repeat. */
export interface MessageParameters {
  readonly authorizationTokens: readonly AuthorizationToken[];
  readonly objectDeliveryTimeout: bigint | null;
  readonly rendezvousTimeout: bigint | null;
  readonly subgroupDeliveryTimeout: bigint | null;
  readonly expires: bigint | null;
  readonly largestObject: Location | null;
  readonly fillTimeout: bigint | null;
  readonly forward: boolean | null;
  readonly subscriberPriority: number | null;
  readonly locationFilter: LocationFilter | null;
  readonly groupOrder: GroupOrder | null;
  readonly rangeFilters: readonly RangeFilter[];
  readonly newGroupRequest: bigint | null;
  readonly trackNamespacePrefix: TrackNamespace | null;
}

const EMPTY_PARAMETERS: MessageParameters = Object.freeze({
  authorizationTokens: Object.freeze([]),
  objectDeliveryTimeout: null,
  rendezvousTimeout: null,
  subgroupDeliveryTimeout: null,
  expires: null,
  largestObject: null,
  fillTimeout: null,
  forward: null,
  subscriberPriority: null,
  locationFilter: null,
  groupOrder: null,
  rangeFilters: Object.freeze([]),
  newGroupRequest: null,
  trackNamespacePrefix: null,
});

/** Builds a parameter set from the members given; the rest are absent. */
export function messageParameters(init: Partial<MessageParameters> = {}): MessageParameters {
  return { ...EMPTY_PARAMETERS, ...init };
}

/** Number of parameters that go on the wire. */
export function parameterCount(p: MessageParameters): number {
  let count = p.authorizationTokens.length + p.rangeFilters.length;
  for (const v of [
    p.objectDeliveryTimeout,
    p.rendezvousTimeout,
    p.subgroupDeliveryTimeout,
    p.expires,
    p.largestObject,
    p.fillTimeout,
    p.forward,
    p.subscriberPriority,
    p.locationFilter,
    p.groupOrder,
    p.newGroupRequest,
    p.trackNamespacePrefix,
  ]) {
    if (v !== null) count++;
  }
  return count;
}

type Entry = readonly [type: number, write: (w: ByteWriter) => void];

function lengthPrefixed(write: (w: ByteWriter) => void): (w: ByteWriter) => void {
  return (w) => {
    const inner = new ByteWriter();
    write(inner);
    w.writeLengthPrefixed(inner.finish());
  };
}

/** Entries in ascending type order, as delta encoding requires. */
function entries(p: MessageParameters): Entry[] {
  const list: Entry[] = [];
  const int = (type: number, v: bigint | null) => {
    if (v !== null) list.push([type, (w) => w.writeVi64(v)]);
  };
  int(MessageParameterType.ObjectDeliveryTimeout, p.objectDeliveryTimeout);
  for (const token of p.authorizationTokens) {
    list.push([MessageParameterType.AuthorizationToken, lengthPrefixed((w) => writeAuthorizationToken(w, token))]);
  }
  int(MessageParameterType.RendezvousTimeout, p.rendezvousTimeout);
  int(MessageParameterType.SubgroupDeliveryTimeout, p.subgroupDeliveryTimeout);
  int(MessageParameterType.Expires, p.expires);
  const largest = p.largestObject;
  if (largest !== null) list.push([MessageParameterType.LargestObject, (w) => w.writeLocation(largest)]);
  int(MessageParameterType.FillTimeout, p.fillTimeout);
  const forward = p.forward;
  if (forward !== null) list.push([MessageParameterType.Forward, (w) => w.writeU8(forward ? 1 : 0)]);
  const priority = p.subscriberPriority;
  if (priority !== null) list.push([MessageParameterType.SubscriberPriority, (w) => w.writeU8(priority)]);
  const filter = p.locationFilter;
  if (filter !== null) list.push([MessageParameterType.LocationFilter, lengthPrefixed((w) => writeLocationFilter(w, filter))]);
  const order = p.groupOrder;
  if (order !== null) list.push([MessageParameterType.GroupOrder, (w) => w.writeU8(order)]);
  const ranges = [...p.rangeFilters].sort((a, b) => a.type - b.type);
  for (const range of ranges) list.push([range.type, (w) => writeRangeFilter(w, range)]);
  int(MessageParameterType.NewGroupRequest, p.newGroupRequest);
  const prefix = p.trackNamespacePrefix;
  // Reading of draft-19 (see testdata README): TRACK_NAMESPACE_PREFIX is a bare Track Namespace.
  if (prefix !== null) list.push([MessageParameterType.TrackNamespacePrefix, (w) => writeTrackNamespace(w, prefix)]);
  return list;
}

export function writeMessageParameters(writer: ByteWriter, p: MessageParameters): void {
  const list = entries(p);
  writer.writeVi64(list.length);
  let previous = 0;
  for (const [type, write] of list) {
    writer.writeVi64(type - previous);
    previous = type;
    write(writer);
  }
}

const M = MoqtMessageType;
const allowed: Record<number, readonly number[]> = {
  [MessageParameterType.AuthorizationToken]: [
    M.Publish,
    M.Subscribe,
    M.RequestUpdate,
    M.SubscribeNamespace,
    M.SubscribeTracks,
    M.PublishNamespace,
    M.TrackStatus,
    M.Fetch,
  ],
  [MessageParameterType.ObjectDeliveryTimeout]: [M.RequestOk, M.Subscribe, M.RequestUpdate, M.TrackStatus, M.SubscribeTracks],
  [MessageParameterType.SubgroupDeliveryTimeout]: [M.RequestOk, M.Subscribe, M.RequestUpdate, M.TrackStatus, M.SubscribeTracks],
  [MessageParameterType.FillTimeout]: [M.Fetch],
  [MessageParameterType.RendezvousTimeout]: [M.Subscribe, M.TrackStatus],
  [MessageParameterType.SubscriberPriority]: [M.Subscribe, M.Fetch, M.RequestUpdate, M.RequestOk, M.TrackStatus, M.SubscribeTracks],
  [MessageParameterType.GroupOrder]: [M.Subscribe, M.SubscribeTracks, M.Fetch, M.Publish, M.TrackStatus],
  [MessageParameterType.LocationFilter]: [M.Subscribe, M.RequestOk, M.RequestUpdate, M.TrackStatus],
  [MessageParameterType.SubgroupFilter]: [M.Fetch, M.Subscribe, M.SubscribeTracks, M.RequestOk, M.RequestUpdate, M.TrackStatus],
  [MessageParameterType.Expires]: [M.SubscribeOk, M.Publish, M.RequestOk],
  [MessageParameterType.LargestObject]: [M.SubscribeOk, M.Publish, M.RequestOk],
  [MessageParameterType.Forward]: [M.Subscribe, M.RequestUpdate, M.Publish, M.RequestOk, M.SubscribeTracks, M.TrackStatus],
  [MessageParameterType.NewGroupRequest]: [M.RequestOk, M.Subscribe, M.RequestUpdate, M.TrackStatus],
  [MessageParameterType.TrackNamespacePrefix]: [M.RequestUpdate],
};

/** Whether draft-19 lets `parameter` appear in `message` (each parameter's section lists its messages). */
export function isParameterAllowed(message: MoqtMessageType, parameter: number): boolean {
  const key = isRangeFilterType(parameter) ? MessageParameterType.SubgroupFilter : parameter;
  return allowed[key]?.includes(message) ?? false;
}

const KNOWN_TYPES: ReadonlySet<number> = new Set(Object.values(MessageParameterType));

function readBool(value: number): boolean {
  if (value > 1) protocolViolation(`FORWARD value ${value} is not 0 or 1`);
  return value === 1;
}

export function readMessageParameters(reader: ByteReader, message: MoqtMessageType): MessageParameters {
  const count = reader.readLength(Number.MAX_SAFE_INTEGER, "Number of Parameters");
  if (count === 0) return EMPTY_PARAMETERS;
  // Every parameter takes at least two bytes, which bounds the count.
  if (count > reader.remaining) protocolViolation(`Number of Parameters ${count} exceeds the message`);
  const p = { ...EMPTY_PARAMETERS, authorizationTokens: [] as AuthorizationToken[], rangeFilters: [] as RangeFilter[] };
  const seen = new Set<number>();
  let previous = 0n;
  for (let i = 0; i < count; i++) {
    const delta = reader.readVi64();
    if (delta > VI64_MAX - previous) protocolViolation("Parameter Type Delta overflows 2^64 - 1");
    const raw = previous + delta;
    previous = raw;
    const type = raw <= 0xffn ? Number(raw) : -1;
    if (!KNOWN_TYPES.has(type)) protocolViolation(`unknown Message Parameter 0x${raw.toString(16)} in message 0x${message.toString(16)}`);
    if (!isParameterAllowed(message, type))
      protocolViolation(`Message Parameter 0x${type.toString(16)} is not allowed in message 0x${message.toString(16)}`);
    const repeatable = type === MessageParameterType.AuthorizationToken || isRangeFilterType(type);
    if (seen.has(type) && !repeatable) protocolViolation(`duplicate Message Parameter 0x${type.toString(16)}`);
    seen.add(type);
    const bounded = () => reader.readLengthPrefixed(WireLimits.maxControlMessageBodyLength, "parameter");
    switch (type) {
      case MessageParameterType.ObjectDeliveryTimeout:
        p.objectDeliveryTimeout = reader.readVi64();
        break;
      case MessageParameterType.AuthorizationToken:
        p.authorizationTokens.push(parseAuthorizationToken(bounded()));
        break;
      case MessageParameterType.RendezvousTimeout:
        p.rendezvousTimeout = reader.readVi64();
        break;
      case MessageParameterType.SubgroupDeliveryTimeout:
        p.subgroupDeliveryTimeout = reader.readVi64();
        break;
      case MessageParameterType.Expires:
        p.expires = reader.readVi64();
        break;
      case MessageParameterType.LargestObject:
        p.largestObject = reader.readLocation();
        break;
      case MessageParameterType.FillTimeout:
        p.fillTimeout = reader.readVi64();
        break;
      case MessageParameterType.Forward:
        p.forward = readBool(reader.readU8());
        break;
      case MessageParameterType.SubscriberPriority:
        p.subscriberPriority = reader.readU8();
        break;
      case MessageParameterType.LocationFilter:
        p.locationFilter = parseLocationFilter(bounded());
        break;
      case MessageParameterType.GroupOrder:
        p.groupOrder = parseGroupOrder(reader.readU8());
        break;
      case MessageParameterType.NewGroupRequest:
        p.newGroupRequest = reader.readVi64();
        break;
      case MessageParameterType.TrackNamespacePrefix:
        p.trackNamespacePrefix = readTrackNamespace(reader);
        break;
      default:
        if (isRangeFilterType(type)) p.rangeFilters.push(parseRangeFilter(type, bounded()));
        break;
    }
  }
  return p;
}
