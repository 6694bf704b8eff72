import { describe, expect, it } from "vitest";
import { expectProtocolError } from "../test-support/errors.ts";
import { bytesToHex, hexToBytes } from "../test-support/hex.ts";
import { loadVectors } from "../test-support/vectors.ts";
import { AuthTokenAliasType } from "./authorization-token.ts";
import { ByteWriter } from "./byte-writer.ts";
import { FetchType } from "./control/fetch.ts";
import { type ControlMessage, decodeControlMessage, encodeControlMessage, tryReadControlMessage } from "./control-message.ts";
import { MoqtErrorCode } from "./error-code.ts";
import { GroupOrder } from "./group-order.ts";
import { intPair } from "./key-value-pair.ts";
import { LocationFilterType } from "./location-filter.ts";
import { MessageParameterType } from "./message-parameter-type.ts";
import { messageParameters, parameterCount } from "./message-parameters.ts";
import { MoqtMessageType } from "./message-type.ts";
import { NEED_MORE } from "./need-more.ts";
import { VI64_MAX } from "./vi64.ts";

const PV = MoqtErrorCode.ProtocolViolation;
const te = new TextEncoder();
const ns = [te.encode("moq"), te.encode("demo")];
const BIG = (1n << 60n) + 12345n; // above 2^53: must survive as bigint

/** Builds a control message from a hand-written body. */
function frame(type: number, bodyHex: string): Uint8Array {
  const w = new ByteWriter();
  w.writeVi64(type);
  w.writeU16(bodyHex.length / 2);
  w.writeBytes(hexToBytes(bodyHex));
  return w.finish();
}

const samples: ControlMessage[] = [
  {
    type: MoqtMessageType.Setup,
    path: "/live?x=1",
    authority: "relay.example:443",
    authorizationTokens: [
      { aliasType: AuthTokenAliasType.Register, alias: BIG, tokenType: 1n, value: te.encode("jwt") },
      { aliasType: AuthTokenAliasType.UseValue, alias: null, tokenType: 0n, value: new Uint8Array(0) },
    ],
    maxAuthTokenCacheSize: VI64_MAX,
    maxFilterRanges: 0n,
    moqtImplementation: "MoqLive-web",
    maxRequestUpdates: 16n,
    unknownOptions: [{ type: 0x3fn, value: 0n, bytes: hexToBytes("00ff") }, intPair(0x40n, 7n)],
  },
  { type: MoqtMessageType.GoAway, newSessionUri: "moqt://elsewhere.example/live", timeout: BIG },
  {
    type: MoqtMessageType.Subscribe,
    requestId: BIG,
    trackNamespace: ns,
    trackName: te.encode("video"),
    parameters: messageParameters({
      authorizationTokens: [
        { aliasType: AuthTokenAliasType.UseAlias, alias: 3n, tokenType: null, value: new Uint8Array(0) },
        { aliasType: AuthTokenAliasType.Delete, alias: 4n, tokenType: null, value: new Uint8Array(0) },
      ],
      objectDeliveryTimeout: 1n,
      rendezvousTimeout: 2n,
      subgroupDeliveryTimeout: 3n,
      forward: false,
      subscriberPriority: 255,
      locationFilter: { type: LocationFilterType.AbsoluteRange, start: { group: BIG, object: 0n }, endGroupDelta: VI64_MAX - BIG },
      groupOrder: GroupOrder.Descending,
      rangeFilters: [
        { type: MessageParameterType.PriorityFilter, isRemoval: false, setId: 2, propertyType: null, encodedValues: [0n, 64n] },
        { type: MessageParameterType.SubgroupFilter, isRemoval: false, setId: 0, propertyType: null, encodedValues: [BIG] },
        { type: MessageParameterType.TrackPropertyFilter, isRemoval: false, setId: 1, propertyType: 0x3cn, encodedValues: [1n, 2n, 3n] },
      ],
      newGroupRequest: 0n,
    }),
  },
  {
    type: MoqtMessageType.SubscribeOk,
    trackAlias: BIG,
    parameters: messageParameters({ expires: 0n, largestObject: { group: VI64_MAX, object: VI64_MAX } }),
    trackProperties: [intPair(0x0en, 255n), intPair(0x22n, 2n), intPair(0x30n, 1n), { type: 0x41n, value: 0n, bytes: te.encode("x") }],
  },
  {
    type: MoqtMessageType.Publish,
    requestId: 1n,
    trackNamespace: [te.encode("a")],
    trackName: new Uint8Array(0),
    trackAlias: VI64_MAX,
    parameters: messageParameters({ forward: true, groupOrder: GroupOrder.Ascending, expires: 5n }),
    trackProperties: [],
  },
  { type: MoqtMessageType.PublishDone, statusCode: 4n, streamCount: (1n << 62n) - 1n, errorReason: "größe" },
  {
    type: MoqtMessageType.Fetch,
    requestId: 4n,
    fetchType: FetchType.Standalone,
    trackNamespace: ns,
    trackName: te.encode("v"),
    startLocation: { group: BIG, object: 1n },
    endLocation: { group: BIG + 10n, object: 0n },
    joiningRequestId: 0n,
    joiningStart: 0n,
    parameters: messageParameters({
      fillTimeout: 10n,
      rangeFilters: [{ type: MessageParameterType.ObjectIdFilter, isRemoval: false, setId: 0, propertyType: null, encodedValues: [5n] }],
    }),
  },
  {
    type: MoqtMessageType.Fetch,
    requestId: 6n,
    fetchType: FetchType.AbsoluteJoining,
    trackNamespace: null,
    trackName: new Uint8Array(0),
    startLocation: { group: 0n, object: 0n },
    endLocation: { group: 0n, object: 0n },
    joiningRequestId: BIG,
    joiningStart: BIG,
    parameters: messageParameters(),
  },
  {
    type: MoqtMessageType.FetchOk,
    endOfTrack: false,
    endLocation: { group: BIG, object: 3n },
    parameters: messageParameters(),
    trackProperties: [intPair(0x04n, 1000n)],
  },
  {
    type: MoqtMessageType.TrackStatus,
    requestId: 10n,
    trackNamespace: [],
    trackName: te.encode("t"),
    parameters: messageParameters({ locationFilter: { type: LocationFilterType.LargestObject, start: null, endGroupDelta: null } }),
  },
  { type: MoqtMessageType.PublishNamespace, requestId: 12n, trackNamespace: ns, parameters: messageParameters() },
  { type: MoqtMessageType.SubscribeNamespace, requestId: 14n, trackNamespacePrefix: [], parameters: messageParameters() },
  {
    type: MoqtMessageType.SubscribeTracks,
    requestId: 16n,
    trackNamespacePrefix: ns,
    parameters: messageParameters({ subscriberPriority: 0, objectDeliveryTimeout: BIG }),
  },
  { type: MoqtMessageType.Namespace, trackNamespaceSuffix: [te.encode("x"), te.encode("y")] },
  { type: MoqtMessageType.NamespaceDone, trackNamespaceSuffix: [] },
  { type: MoqtMessageType.PublishSkipped, trackNamespaceSuffix: [te.encode("x")], trackName: te.encode("chat") },
  {
    type: MoqtMessageType.RequestUpdate,
    requestId: BIG,
    parameters: messageParameters({
      trackNamespacePrefix: ns,
      rangeFilters: [{ type: MessageParameterType.ObjectPropertyFilter, isRemoval: true, setId: 0, propertyType: null, encodedValues: [] }],
    }),
  },
  {
    type: MoqtMessageType.RequestOk,
    parameters: messageParameters({ newGroupRequest: BIG, subscriberPriority: 1 }),
    trackProperties: [intPair(0x0en, 1n)],
  },
  { type: MoqtMessageType.RequestError, errorCode: 0x10n, retryInterval: BIG, errorReason: "", redirect: null },
  {
    type: MoqtMessageType.RequestError,
    errorCode: 0x34n,
    retryInterval: 0n,
    errorReason: "moved",
    redirect: { connectUri: "moqt://r3", trackNamespace: ns, trackName: te.encode("v2") },
  },
];

describe("control messages", () => {
  it("covers every message type", () => {
    expect(new Set(samples.map((m) => m.type))).toEqual(new Set(Object.values(MoqtMessageType)));
  });

  it.each(samples.map((m, i) => [`${i}: type 0x${m.type.toString(16)}`, m] as const))("round-trips %s", (_name, message) => {
    const bytes = encodeControlMessage(message);
    const decoded = decodeControlMessage(bytes);
    if (decoded.type === MoqtMessageType.Subscribe && message.type === MoqtMessageType.Subscribe) {
      // Range filters go out in ascending type order.
      const sorted = [...message.parameters.rangeFilters].sort((a, b) => a.type - b.type);
      expect(decoded).toEqual({ ...message, parameters: { ...message.parameters, rangeFilters: sorted } });
    } else {
      expect(decoded).toEqual(message);
    }
    expect(bytesToHex(encodeControlMessage(decoded))).toBe(bytesToHex(bytes));
  });

  it("counts parameters as they go on the wire", () => {
    const subscribe = samples.find((m) => m.type === MoqtMessageType.Subscribe);
    if (subscribe?.type !== MoqtMessageType.Subscribe) throw new Error("missing sample");
    expect(parameterCount(subscribe.parameters)).toBe(13);
  });

  describe("truncation", () => {
    const inputs = [
      ...samples.map(encodeControlMessage),
      ...loadVectors()
        .filter((v) => v.kind === "control")
        .map((v) => hexToBytes(v.hex)),
    ];

    it("every proper prefix of a message is NEED_MORE, never an error", () => {
      for (const bytes of inputs) {
        for (let cut = 0; cut < bytes.length; cut++) expect(tryReadControlMessage(bytes.subarray(0, cut))).toBe(NEED_MORE);
      }
    });

    it("reads one message from a buffer holding more", () => {
      const a = inputs[0] as Uint8Array;
      const b = inputs[1] as Uint8Array;
      const joined = new Uint8Array([...a, ...b, 0x10]);
      const first = tryReadControlMessage(joined);
      if (first === NEED_MORE) throw new Error("expected a message");
      expect(first.bytesRead).toBe(a.length);
      const second = tryReadControlMessage(joined.subarray(first.bytesRead));
      if (second === NEED_MORE) throw new Error("expected a message");
      expect(second.bytesRead).toBe(b.length);
      expect(tryReadControlMessage(joined.subarray(a.length + b.length))).toBe(NEED_MORE);
    });

    it("decodeControlMessage rejects truncated and over-long input", () => {
      const bytes = inputs[0] as Uint8Array;
      expectProtocolError(() => decodeControlMessage(bytes.subarray(0, bytes.length - 1)), PV);
      expectProtocolError(() => decodeControlMessage(new Uint8Array([...bytes, 0])), PV);
    });
  });

  describe("malformed input → MoqtProtocolError with the draft's code", () => {
    it.each([
      ["unknown message type, as soon as the header is complete", hexToBytes("0100ff"), PV],
      ["field runs past the Length", frame(0x10, "05616263"), PV],
      ["trailing bytes in the body", frame(0x10, "000000"), PV],
      ["GOAWAY URI longer than 8192", frame(0x10, "e0002001"), PV],
      ["reason phrase longer than 1024", frame(0x0b, "00008401"), PV],
      ["namespace with 33 fields", frame(0x08, "21"), PV],
      ["namespace field of length 0", frame(0x08, "0100"), PV],
      ["full track name over 4096 bytes", frame(0x0f, "0101619000"), PV],
      ["unknown message parameter", frame(0x02, "00010101"), PV],
      ["parameter not allowed in the message (FILL_TIMEOUT in SUBSCRIBE)", frame(0x03, "000000010a05"), PV],
      ["duplicate parameter", frame(0x02, "0002100100"), PV],
      ["FORWARD not 0 or 1", frame(0x02, "00011002"), PV],
      ["GROUP_ORDER not 1 or 2", frame(0x03, "0000000122" + "03"), PV],
      ["parameter type delta overflows 2^64 - 1", frame(0x02, "000202" + "00" + "ffffffffffffffffff00"), PV],
      ["Number of Parameters larger than the message", frame(0x07, "05"), PV],
      ["unknown Location Filter type", frame(0x03, "000000012101" + "05"), PV],
      ["Location Filter with trailing bytes", frame(0x03, "00000001210201" + "00"), PV],
      ["Range Filter with no ranges", frame(0x03, "000000012501" + "00"), PV],
      ["unknown Fetch Type", frame(0x16, "000400"), PV],
      ["FETCH_OK End Of Track not 0 or 1", frame(0x18, "02000000"), PV],
      ["DEFAULT PUBLISHER PRIORITY above 255", frame(0x07, "000e8100"), PV],
      ["DEFAULT_PUBLISHER_GROUP_ORDER not 1 or 2", frame(0x07, "002203"), PV],
      ["DYNAMIC_GROUPS not 0 or 1", frame(0x07, "003002"), PV],
      ["Key-Value-Pair longer than 65535", frame(0x07, "0001c10000"), PV],
      ["Key-Value-Pair delta overflows", frame(0x07, "0002" + "00" + "ffffffffffffffffff00"), PV],
      ["duplicate known Setup Option", frame(0x2f00, "08010002"), PV],
      ["unknown Token Alias Type", frame(0x2f00, "030104"), MoqtErrorCode.KeyValueFormattingError],
      ["token with trailing bytes", frame(0x2f00, "0303000100"), MoqtErrorCode.KeyValueFormattingError],
      ["token that ends early", frame(0x2f00, "030101"), MoqtErrorCode.KeyValueFormattingError],
      ["PATH that is not UTF-8", frame(0x2f00, "0102c328"), MoqtErrorCode.MalformedPath],
      ["AUTHORITY that is not UTF-8", frame(0x2f00, "0501ff"), MoqtErrorCode.MalformedAuthority],
    ] as const)("%s", (_name, bytes, code) => {
      expectProtocolError(() => tryReadControlMessage(bytes), code);
    });

    it("accepts repeated unknown Setup Options and repeated tokens", () => {
      const m = decodeControlMessage(frame(0x2f00, "0303030061" + "0003030061" + "3e0100" + "000100"));
      expect(m.type === MoqtMessageType.Setup && m.authorizationTokens.length).toBe(2);
      expect(m.type === MoqtMessageType.Setup && m.unknownOptions.length).toBe(2);
    });
  });

  describe("encoder argument checks", () => {
    it("rejects a REDIRECT code without a Redirect", () => {
      expect(() =>
        encodeControlMessage({ type: MoqtMessageType.RequestError, errorCode: 0x34n, retryInterval: 0n, errorReason: "", redirect: null }),
      ).toThrow(RangeError);
    });

    it("rejects bodies longer than 65535 bytes", () => {
      expect(() =>
        encodeControlMessage({
          type: MoqtMessageType.Setup,
          path: null,
          authority: null,
          authorizationTokens: [],
          maxAuthTokenCacheSize: null,
          maxFilterRanges: null,
          moqtImplementation: null,
          maxRequestUpdates: null,
          unknownOptions: [0x41n, 0x43n].map((type) => ({ type, value: 0n, bytes: new Uint8Array(40000) })),
        }),
      ).toThrow(RangeError);
    });

    it("rejects empty namespace fields and mismatched token fields", () => {
      expect(() => encodeControlMessage({ type: MoqtMessageType.Namespace, trackNamespaceSuffix: [new Uint8Array(0)] })).toThrow(
        RangeError,
      );
      expect(() =>
        encodeControlMessage({
          type: MoqtMessageType.TrackStatus,
          requestId: 0n,
          trackNamespace: [],
          trackName: new Uint8Array(0),
          parameters: messageParameters({
            authorizationTokens: [{ aliasType: AuthTokenAliasType.UseValue, alias: 1n, tokenType: 1n, value: new Uint8Array(0) }],
          }),
        }),
      ).toThrow(RangeError);
    });
  });
});
