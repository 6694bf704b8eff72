import { BufferedStreamReader } from "../stream/buffered-stream-reader.ts";
import { encodeUtf8 } from "../wire/byte-writer.ts";
import type { Fetch } from "../wire/control/fetch.ts";
import { FetchType } from "../wire/control/fetch.ts";
import type { GoAway } from "../wire/control/goaway.ts";
import type { Setup } from "../wire/control/setup.ts";
import type { Subscribe } from "../wire/control/subscribe.ts";
import { type ControlMessage, encodeControlMessage, tryReadControlMessage } from "../wire/control-message.ts";
import { type FetchHeader, tryReadFetchHeader } from "../wire/data/fetch-header.ts";
import { decodeObjectDatagram } from "../wire/data/object-datagram.ts";
import { classifyStreamType, StreamKind } from "../wire/data/stream-type.ts";
import { type SubgroupHeader, tryReadSubgroupHeader } from "../wire/data/subgroup-header.ts";
import { MoqtErrorCode } from "../wire/error-code.ts";
import { GroupOrder } from "../wire/group-order.ts";
import { intPair } from "../wire/key-value-pair.ts";
import type { Location } from "../wire/location.ts";
import { LocationFilterType } from "../wire/location-filter.ts";
import { messageParameters } from "../wire/message-parameters.ts";
import { MoqtMessageType } from "../wire/message-type.ts";
import { NEED_MORE } from "../wire/need-more.ts";
import { MoqtProtocolError, protocolViolation } from "../wire/protocol-error.ts";
import { PropertyType } from "../wire/track-properties.ts";
import { decodeVi64 } from "../wire/vi64.ts";
import { deliverDatagram, receiveFetchStream, receiveSubgroupStream } from "./data-streams.ts";
import { MoqtRequestError, MoqtSessionClosedError } from "./errors.ts";
import { FetchResponse } from "./fetch-response.ts";
import { KeyedWaiters } from "./keyed-waiters.ts";
import { decodeNamespace, encodeNamespace, isNamespacePrefix, namespaceKey } from "./names.ts";
import { NamespaceSubscription } from "./namespace-subscription.ts";
import { PublishedNamespace } from "./published-namespace.ts";
import { rejectRequest } from "./reject.ts";
import { RequestErrorCode } from "./request-error-code.ts";
import { endedWithoutResponse, requestErrorFrom } from "./request-failure.ts";
import { RequestStream } from "./request-stream.ts";
import { CONTROL_SEND_ORDER, REQUEST_SEND_ORDER } from "./send-order.ts";
import { serveFetch } from "./served-fetch.ts";
import { ServedNamespaceSubscription } from "./served-namespace-subscription.ts";
import { ServedSubscription, type SubscriptionRange } from "./served-subscription.ts";
import type { SessionContext } from "./session-context.ts";
import { isStreamFailure } from "./stream-error.ts";
import { MoqtStreamResetCode } from "./stream-reset-code.ts";
import {
  type FetchOptions,
  type FetchRange,
  type JoiningFetchStart,
  type SubscribeOptions,
  toLocationFilter,
} from "./subscribe-options.ts";
import { Subscription } from "./subscription.ts";
import type { TrackWriter } from "./track-writer.ts";
import type { MoqtTransport } from "./web-transport.ts";

export interface MoqtSessionOptions {
  /** "client" (default; even Request IDs) or "server" (odd), draft-19 "Request ID". */
  readonly role?: "client" | "server";
  /** MOQT IMPLEMENTATION Setup Option; default "moqlive-web". */
  readonly implementation?: string;
  /** How long to wait for the peer's SETUP (default 10 s); then the session closes with CONTROL_MESSAGE_TIMEOUT. */
  readonly setupTimeoutMs?: number;
  /** Objects a subscription or fetch buffers for a slow reader before dropping the oldest (default 1024). */
  readonly maxBufferedObjects?: number;
  /** How long a data stream with an unknown Track Alias waits for its SUBSCRIBE_OK (default 2 s). */
  readonly unknownAliasTimeoutMs?: number;
  /**
   * How long a joining FETCH waits for the request it names when that has not arrived yet (default 5 s): the peer sends
   * SUBSCRIBE and FETCH back to back on separate streams, which may arrive in either order.
   */
  readonly unknownJoiningRequestTimeoutMs?: number;
  /** Accept the peer's PUBLISH_NAMESPACE (listed in `peerNamespaces`); default false: REQUEST_ERROR NOT_SUPPORTED. */
  readonly acceptPublishNamespace?: boolean;
  /**
   * Called as each of our requests progresses, to split a request's time between the browser (stream creation, write),
   * the network and the peer (issue 5: the join timeline). See {@link RequestProgress}.
   */
  readonly onRequestProgress?: (progress: RequestProgress) => void;
}

/**
 * One step of a request we made: `opened` the transport gave us its bidirectional stream, `sent` the request's bytes
 * were handed to that stream, `answered` the peer's first response message (e.g. SUBSCRIBE_OK, FETCH_OK,
 * REQUEST_ERROR) was read.
 */
export interface RequestProgress {
  readonly step: "opened" | "sent" | "answered";
  readonly requestId: bigint;
  /** The request's message name: "SUBSCRIBE", "FETCH", "PUBLISH_NAMESPACE", "SUBSCRIBE_NAMESPACE", ... */
  readonly request: string;
  /** The track a SUBSCRIBE or a FETCH is for (for a joining FETCH: its subscription's track). */
  readonly track?: string;
}

/** What a request is, for {@link MoqtSessionOptions.onRequestProgress}. */
type RequestLabel = Omit<RequestProgress, "step">;

/** How the session ended: the MOQT error code (draft-19 "Termination") and reason. */
export interface SessionCloseInfo {
  readonly code: number;
  readonly reason: string;
}

export interface GoAwayInfo {
  readonly newSessionUri: string;
  /** Milliseconds until the peer closes the session (0: unspecified). */
  readonly timeoutMs: bigint;
}

const DEFAULT_SUBSCRIBER_PRIORITY = 128;

type FirstUnit =
  | { kind: typeof StreamKind.Subgroup; header: SubgroupHeader }
  | { kind: typeof StreamKind.Fetch; header: FetchHeader }
  | { kind: typeof StreamKind.Control; message: ControlMessage }
  | { kind: typeof StreamKind.Padding };

/** Reads what identifies a unidirectional stream (draft-19 "Unidirectional Stream Types"). */
function tryReadFirstUnit(bytes: Uint8Array): { value: FirstUnit; bytesRead: number } | typeof NEED_MORE {
  const type = decodeVi64(bytes, 0);
  if (type === undefined) return NEED_MORE;
  switch (classifyStreamType(type.value)) {
    case StreamKind.Subgroup: {
      const r = tryReadSubgroupHeader(bytes);
      return r === NEED_MORE ? NEED_MORE : { value: { kind: StreamKind.Subgroup, header: r.header }, bytesRead: r.bytesRead };
    }
    case StreamKind.Fetch: {
      const r = tryReadFetchHeader(bytes);
      return r === NEED_MORE ? NEED_MORE : { value: { kind: StreamKind.Fetch, header: r.header }, bytesRead: r.bytesRead };
    }
    case StreamKind.Control: {
      // The control stream's type is the SETUP message type: the stream is control messages from its first byte.
      const r = tryReadControlMessage(bytes);
      return r === NEED_MORE ? NEED_MORE : { value: { kind: StreamKind.Control, message: r.message }, bytesRead: r.bytesRead };
    }
    case StreamKind.Padding:
      return { value: { kind: StreamKind.Padding }, bytesRead: type.length };
  }
}

const REQUEST_TYPES: ReadonlySet<number> = new Set([
  MoqtMessageType.TrackStatus,
  MoqtMessageType.Subscribe,
  MoqtMessageType.Publish,
  MoqtMessageType.Fetch,
  MoqtMessageType.PublishNamespace,
  MoqtMessageType.SubscribeNamespace,
  MoqtMessageType.SubscribeTracks,
]);

/**
 * A MOQT session (draft-ietf-moq-transport-19) over a WebTransport session. Create with `MoqtSession.start`
 * (or `connect`, which opens the WebTransport session too). Each side opens a unidirectional control stream with
 * SETUP; every request then runs on its own bidirectional stream, objects on unidirectional streams and datagrams.
 * Request failures reject with MoqtRequestError; when the session closes (protocol error, peer close, `close()`)
 * every pending and later call rejects with MoqtSessionClosedError.
 */
export class MoqtSession {
  readonly #transport: MoqtTransport;
  readonly #isClient: boolean;
  readonly #options: Required<Omit<MoqtSessionOptions, "role">>;
  readonly #peerRequestIds = new Set<bigint>();
  readonly #subscriptions = new Map<bigint, Subscription>();
  readonly #aliasWaiters = new KeyedWaiters<bigint, Subscription>();
  /** Joining FETCHes that arrived before the request they name (draft-19 "Joining Fetches"), by that Request ID. */
  readonly #joinWaiters = new KeyedWaiters<bigint, ServedSubscription>();
  readonly #fetches = new Map<bigint, FetchResponse>();
  readonly #served = new Map<bigint, ServedSubscription>();
  /** Callers of {@link servedSubscriptionsEnded} waiting for #served to empty (one key). */
  readonly #servedDrained = new KeyedWaiters<null, true>();
  readonly #published = new Map<string, PublishedNamespace>();
  readonly #namespaceSubscriptions = new Set<NamespaceSubscription>();
  readonly #servedNamespaceSubscriptions = new Set<ServedNamespaceSubscription>();
  readonly #peerNamespaces = new Map<string, readonly string[]>();
  readonly #closed: Promise<SessionCloseInfo>;
  readonly #goAway: Promise<GoAwayInfo>;
  readonly #peerSetup: Promise<Setup>;
  #resolveClosed!: (info: SessionCloseInfo) => void;
  #resolveGoAway!: (info: GoAwayInfo) => void;
  #resolvePeerSetup!: (setup: Setup) => void;
  #rejectPeerSetup!: (error: unknown) => void;
  #goAwayReceived = false;
  #peerSetupValue: Setup | null = null;
  #controlWriter: WritableStreamDefaultWriter<Uint8Array> | null = null;
  #controlChain: Promise<void> = Promise.resolve();
  #peerControlSeen = false;
  #nextRequestId: bigint;
  #nextTrackAlias = 0n;
  #closeInfo: SessionCloseInfo | null = null;
  #datagramWriter: WritableStreamDefaultWriter<Uint8Array> | null = null;
  readonly #ctx: SessionContext;

  private constructor(transport: MoqtTransport, options: MoqtSessionOptions) {
    this.#transport = transport;
    this.#isClient = (options.role ?? "client") === "client";
    this.#nextRequestId = this.#isClient ? 0n : 1n;
    this.#options = {
      implementation: options.implementation ?? "moqlive-web",
      setupTimeoutMs: options.setupTimeoutMs ?? 10_000,
      maxBufferedObjects: options.maxBufferedObjects ?? 1024,
      unknownAliasTimeoutMs: options.unknownAliasTimeoutMs ?? 2000,
      unknownJoiningRequestTimeoutMs: options.unknownJoiningRequestTimeoutMs ?? 5000,
      acceptPublishNamespace: options.acceptPublishNamespace ?? false,
      onRequestProgress: options.onRequestProgress ?? (() => {}),
    };
    this.#closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
    this.#goAway = new Promise((resolve) => {
      this.#resolveGoAway = resolve;
    });
    this.#peerSetup = new Promise((resolve, reject) => {
      this.#resolvePeerSetup = resolve;
      this.#rejectPeerSetup = reject;
    });
    this.#peerSetup.catch(() => {});
    const session = this;
    this.#ctx = {
      transport,
      nextRequestId: () => this.#allocateRequestId(),
      acceptPeerRequestId: (id) => this.#acceptPeerRequestId(id),
      spawn: (work) => this.#spawn(work),
      get isClosed() {
        return session.#closeInfo !== null;
      },
      get maxDatagramSize() {
        return transport.datagrams.maxDatagramSize ?? 1200;
      },
      sendDatagram: (bytes) => this.#sendDatagram(bytes),
    };
  }

  /** Starts a session over an established (or establishing) transport: sends SETUP, resolves after the peer's SETUP. */
  static async start(transport: MoqtTransport, options: MoqtSessionOptions = {}): Promise<MoqtSession> {
    const { session, setup } = MoqtSession.begin(transport, options);
    await setup;
    return session;
  }

  /**
   * Starts a session and returns it at once, with the SETUP exchange under way: requests made on it go out beside our
   * SETUP instead of after the peer's (draft-19 "Session initialization": "a client can initiate a MOQT session,
   * subscribe, and start publishing Objects all in parallel"; the peer buffers request streams that arrive before the
   * control streams). `setup` resolves once the peer's SETUP arrived; when it rejects the session is closed and its
   * requests reject with MoqtSessionClosedError.
   */
  static begin(transport: MoqtTransport, options: MoqtSessionOptions = {}): { session: MoqtSession; setup: Promise<void> } {
    const session = new MoqtSession(transport, options);
    const setup = session.#runSetup();
    // The caller may only watch `session.closed`; the failure is the session's close either way.
    setup.catch(() => {});
    return { session, setup };
  }

  /** The peer's SETUP (e.g. its MOQT IMPLEMENTATION). */
  get peerSetup(): Setup {
    if (this.#peerSetupValue === null) throw new Error("SETUP not received yet");
    return this.#peerSetupValue;
  }

  /** Resolves when the peer sends GOAWAY (draft-19 "GOAWAY"): stop making requests here and reconnect. */
  get goAway(): Promise<GoAwayInfo> {
    return this.#goAway;
  }

  /** Resolves once the session is closed, with the code and reason. */
  get closed(): Promise<SessionCloseInfo> {
    return this.#closed;
  }

  get isClosed(): boolean {
    return this.#closeInfo !== null;
  }

  /** Namespaces the peer published to this session (with `acceptPublishNamespace`). */
  get peerNamespaces(): (readonly string[])[] {
    return [...this.#peerNamespaces.values()];
  }

  // ---- Setup and the control stream.

  async #runSetup(): Promise<void> {
    this.#watchTransport();
    try {
      await this.#transport.ready;
      this.#spawn(() => this.#acceptUnidirectional());
      this.#spawn(() => this.#acceptBidirectional());
      this.#spawn(() => this.#receiveDatagrams());
      const control = await this.#transport.createUnidirectionalStream({ sendOrder: CONTROL_SEND_ORDER });
      this.#controlWriter = control.getWriter();
      // Over WebTransport the path is the URL's: no PATH or AUTHORITY option (draft-19 "PATH", "AUTHORITY").
      await this.#writeControl({
        type: MoqtMessageType.Setup,
        path: null,
        authority: null,
        authorizationTokens: [],
        maxAuthTokenCacheSize: null,
        maxFilterRanges: null,
        moqtImplementation: this.#options.implementation,
        maxRequestUpdates: null,
        unknownOptions: [],
      });
    } catch (e) {
      this.#fail(MoqtErrorCode.InternalError, "setup failed");
      throw this.#closedError(e);
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new MoqtProtocolError(MoqtErrorCode.ControlMessageTimeout, "no SETUP from the peer")),
        this.#options.setupTimeoutMs,
      );
    });
    try {
      await Promise.race([this.#peerSetup, timeout]);
    } catch (e) {
      if (e instanceof MoqtProtocolError) this.#fail(e.code, e.reason);
      throw this.#closedError(e);
    } finally {
      clearTimeout(timer);
    }
  }

  #writeControl(message: ControlMessage): Promise<void> {
    const writer = this.#controlWriter;
    if (writer === null) return Promise.reject(new Error("no control stream"));
    const bytes = encodeControlMessage(message);
    const write = this.#controlChain.then(() => writer.write(bytes));
    this.#controlChain = write.catch(() => {});
    return write;
  }

  async #runPeerControlStream(reader: BufferedStreamReader, setup: ControlMessage): Promise<void> {
    if (this.#peerControlSeen) protocolViolation("a second control stream");
    this.#peerControlSeen = true;
    if (setup.type !== MoqtMessageType.Setup) protocolViolation("the control stream must start with SETUP");
    // draft-19 "PATH" / "AUTHORITY": only a client over native QUIC sends them.
    if (setup.path !== null) throw new MoqtProtocolError(MoqtErrorCode.InvalidPath, "PATH is not used over WebTransport");
    if (setup.authority !== null) throw new MoqtProtocolError(MoqtErrorCode.InvalidAuthority, "AUTHORITY is not used over WebTransport");
    this.#peerSetupValue = setup;
    this.#resolvePeerSetup(setup);
    for (;;) {
      const message = await reader.readControlMessage();
      if (message === undefined) protocolViolation("the peer closed its control stream");
      if (message.type !== MoqtMessageType.GoAway)
        protocolViolation(`message 0x${message.type.toString(16)} is not allowed on the control stream`);
      this.#onGoAway(message);
    }
  }

  #onGoAway(message: GoAway): void {
    if (this.#goAwayReceived) protocolViolation("a second GOAWAY");
    if (!this.#isClient && message.newSessionUri !== "") protocolViolation("a client sent GOAWAY with a New Session URI");
    this.#goAwayReceived = true;
    this.#resolveGoAway({ newSessionUri: message.newSessionUri, timeoutMs: message.timeout });
  }

  /** Sends GOAWAY (draft-19 "GOAWAY"); a client always sends an empty URI. */
  sendGoAway(newSessionUri = "", timeoutMs = 0n): Promise<void> {
    this.#throwIfClosed();
    return this.#writeControl({ type: MoqtMessageType.GoAway, newSessionUri: this.#isClient ? "" : newSessionUri, timeout: timeoutMs });
  }

  // ---- Closing.

  /**
   * Resolves true once every subscription this session serves has ended with its PUBLISH_DONE written (tracks closed,
   * draft-19 "PUBLISH_DONE"), or false after `timeoutMs`. A publisher ending its broadcast waits for this before
   * closing the session, which would reset the streams still carrying its last objects.
   */
  async servedSubscriptionsEnded(timeoutMs: number): Promise<boolean> {
    return this.#served.size === 0 || (await this.#servedDrained.wait(null, timeoutMs)) === true;
  }

  /** Closes the session with `code` (default NO_ERROR) and `reason`. */
  close(code: number = MoqtErrorCode.NoError, reason = ""): void {
    this.#fail(code, reason);
  }

  #fail(code: number, reason: string): void {
    if (this.#closeInfo !== null) return;
    this.#closeInfo = { code, reason };
    try {
      this.#transport.close({ closeCode: code, reason });
    } catch {
      // Already closed by the peer.
    }
    this.#teardown();
  }

  #watchTransport(): void {
    this.#transport.closed.then(
      (info) => this.#onTransportClosed(info.closeCode ?? 0, info.reason ?? ""),
      (e: unknown) => this.#onTransportClosed(MoqtErrorCode.InternalError, e instanceof Error ? e.message : "transport failed"),
    );
  }

  #onTransportClosed(code: number, reason: string): void {
    if (this.#closeInfo === null) {
      this.#closeInfo = { code, reason };
      this.#teardown();
    }
    this.#resolveClosed(this.#closeInfo);
  }

  #teardown(): void {
    const info = this.#closeInfo ?? { code: 0, reason: "" };
    const error = new MoqtSessionClosedError(info.code, info.reason);
    this.#rejectPeerSetup(error);
    for (const s of [...this.#subscriptions.values()]) s.finish(null, error);
    this.#subscriptions.clear();
    for (const f of this.#fetches.values()) f.end(error);
    this.#joinWaiters.clear();
    this.#aliasWaiters.clear();
    this.#fetches.clear();
    for (const s of [...this.#served.values()]) s.cancel(MoqtStreamResetCode.SessionClosed);
    for (const p of [...this.#published.values()]) p.unpublish();
    for (const n of [...this.#namespaceSubscriptions]) n.cancel();
    for (const n of [...this.#servedNamespaceSubscriptions]) n.cancel();
    // Closing our side does not always settle `closed` at once (e.g. a transport without a peer): settle it here.
    queueMicrotask(() => this.#resolveClosed(info));
  }

  #closedError(cause: unknown): Error {
    if (cause instanceof MoqtSessionClosedError || cause instanceof MoqtRequestError) return cause;
    const info = this.#closeInfo;
    if (info !== null) return new MoqtSessionClosedError(info.code, info.reason);
    return cause instanceof Error ? cause : new Error(String(cause));
  }

  #throwIfClosed(): void {
    const info = this.#closeInfo;
    if (info !== null) throw new MoqtSessionClosedError(info.code, info.reason);
  }

  /** Runs background work; a protocol error closes the session with its code (draft-19 "Termination"). */
  #spawn(work: () => Promise<void>): void {
    work().catch((e: unknown) => {
      if (e instanceof MoqtProtocolError) {
        this.#fail(e.code, e.reason);
        return;
      }
      if (this.#closeInfo !== null || e instanceof MoqtSessionClosedError) return;
      if (isStreamFailure(e)) return;
      console.error("MOQT: internal error", e);
      this.#fail(MoqtErrorCode.InternalError, "internal error");
    });
  }

  // ---- Request IDs (draft-19 "Request ID").

  #allocateRequestId(): bigint {
    const id = this.#nextRequestId;
    this.#nextRequestId += 2n;
    return id;
  }

  #acceptPeerRequestId(requestId: bigint): void {
    const peerIsClient = !this.#isClient;
    if ((requestId % 2n === 0n) !== peerIsClient) {
      throw new MoqtProtocolError(MoqtErrorCode.InvalidRequestId, `Request ID ${requestId} has the wrong parity`);
    }
    if (this.#peerRequestIds.has(requestId))
      throw new MoqtProtocolError(MoqtErrorCode.InvalidRequestId, `duplicate Request ID ${requestId}`);
    this.#peerRequestIds.add(requestId);
  }

  /**
   * The subscription a joining FETCH names: one already served, or one whose SUBSCRIBE has not arrived yet (a Request ID
   * of the peer's not yet seen), waited for a bounded time.
   */
  #joinedSubscription(requestId: bigint): ServedSubscription | undefined | Promise<ServedSubscription | undefined> {
    const served = this.#served.get(requestId);
    if (served !== undefined || this.#peerRequestIds.has(requestId) || (requestId % 2n === 0n) !== !this.#isClient) return served;
    return this.#joinWaiters.wait(requestId, this.#options.unknownJoiningRequestTimeoutMs);
  }

  // ---- Requests we make.

  async #openRequest(message: ControlMessage, label: RequestLabel): Promise<RequestStream> {
    this.#throwIfClosed();
    try {
      // A request made right after `begin` waits for the transport like the SETUP does.
      await this.#transport.ready;
      const bidi = await this.#transport.createBidirectionalStream({ sendOrder: REQUEST_SEND_ORDER });
      this.#options.onRequestProgress({ ...label, step: "opened" });
      const stream = new RequestStream(bidi);
      await stream.write(message);
      this.#options.onRequestProgress({ ...label, step: "sent" });
      return stream;
    } catch (e) {
      throw this.#closedError(e);
    }
  }

  /** The first response on a request stream. A protocol error in it closes the session. */
  async #readResponse(stream: RequestStream, label: RequestLabel): Promise<ControlMessage> {
    const request = label.request;
    let message: ControlMessage | undefined;
    try {
      message = await stream.read();
      this.#options.onRequestProgress({ ...label, step: "answered" });
    } catch (e) {
      if (e instanceof MoqtProtocolError) {
        this.#fail(e.code, e.reason);
        throw this.#closedError(e);
      }
      if (this.#closeInfo !== null) throw this.#closedError(e);
      throw new MoqtRequestError(BigInt(RequestErrorCode.InternalError), `the peer cancelled the ${request} request`);
    }
    if (message === undefined) throw endedWithoutResponse(request);
    return message;
  }

  #unexpected(message: ControlMessage, request: string): Error {
    const reason = `unexpected message 0x${message.type.toString(16)} in response to ${request}`;
    this.#fail(MoqtErrorCode.ProtocolViolation, reason);
    return new MoqtSessionClosedError(MoqtErrorCode.ProtocolViolation, reason);
  }

  /** SUBSCRIBE (draft-19 "SUBSCRIBE"); resolves once SUBSCRIBE_OK arrived. */
  async subscribe(namespace: readonly string[], name: string, options: SubscribeOptions = {}): Promise<Subscription> {
    const requestId = this.#allocateRequestId();
    const stream = await this.#sendSubscribe(requestId, namespace, name, options);
    return this.#completeSubscribe(requestId, stream, namespace, name);
  }

  /**
   * SUBSCRIBE and a joining FETCH for it sent back to back, without waiting for SUBSCRIBE_OK: draft-19 "Joining
   * Fetches" lets the FETCH name a subscription still `Pending (subscriber)`, and the publisher holds it until the
   * subscription is established. A new viewer gets the current group from its key frame one round trip sooner than
   * with {@link subscribe} then {@link joiningFetch}. The fetch fails (INVALID_JOINING_REQUEST_ID) when the
   * subscription does; the returned promise rejects with the subscription's error.
   */
  async subscribeWithJoiningFetch(
    namespace: readonly string[],
    name: string,
    options: SubscribeOptions = {},
    start: JoiningFetchStart = { groupsBack: 0n },
    fetchOptions: FetchOptions = {},
  ): Promise<{ subscription: Subscription; fetch: Promise<FetchResponse> }> {
    const requestId = this.#allocateRequestId();
    const sending = this.#sendSubscribe(requestId, namespace, name, options);
    // The FETCH's stream is asked for right behind the SUBSCRIBE's, not once that is open and written: in a browser
    // opening a stream is a round trip to the network process, which took 20–200 ms per stream on a busy machine (issue
    // 5). Both streams open in order and the SUBSCRIBE is written first; a publisher receiving the FETCH first holds it
    // for the SUBSCRIBE it names (draft-19 "Joining Fetches").
    const fetch = this.#joiningFetch(requestId, name, start, fetchOptions);
    try {
      const stream = await sending;
      return { subscription: await this.#completeSubscribe(requestId, stream, namespace, name), fetch };
    } catch (e) {
      // The fetch fails with the subscription; its outcome is the subscription's error.
      fetch.then(
        (f) => f.cancel(),
        () => {},
      );
      throw e;
    }
  }

  #sendSubscribe(requestId: bigint, namespace: readonly string[], name: string, options: SubscribeOptions): Promise<RequestStream> {
    const priority = options.priority ?? DEFAULT_SUBSCRIBER_PRIORITY;
    return this.#openRequest(
      {
        type: MoqtMessageType.Subscribe,
        requestId,
        trackNamespace: encodeNamespace(namespace),
        trackName: encodeUtf8(name),
        parameters: messageParameters({
          subscriberPriority: priority === DEFAULT_SUBSCRIBER_PRIORITY ? null : priority,
          groupOrder: options.groupOrder ?? null,
          forward: options.forward === false ? false : null,
          locationFilter: toLocationFilter(options.filter ?? { type: "largest-object" }),
        }),
      },
      { requestId, request: "SUBSCRIBE", track: name },
    );
  }

  /** Reads a SUBSCRIBE's answer: SUBSCRIBE_OK makes the {@link Subscription}, REQUEST_ERROR rejects. */
  async #completeSubscribe(requestId: bigint, stream: RequestStream, namespace: readonly string[], name: string): Promise<Subscription> {
    const response = await this.#readResponse(stream, { requestId, request: "SUBSCRIBE", track: name });
    if (response.type === MoqtMessageType.RequestError) {
      await stream.finish();
      throw requestErrorFrom(response);
    }
    if (response.type !== MoqtMessageType.SubscribeOk) throw this.#unexpected(response, "SUBSCRIBE");
    if (this.#subscriptions.has(response.trackAlias)) {
      const reason = `Track Alias ${response.trackAlias} is already in use`;
      this.#fail(MoqtErrorCode.DuplicateTrackAlias, reason);
      throw new MoqtSessionClosedError(MoqtErrorCode.DuplicateTrackAlias, reason);
    }
    const subscription = new Subscription(
      {
        requestId,
        trackAlias: response.trackAlias,
        namespace: [...namespace],
        name,
        largest: response.parameters.largestObject,
        trackProperties: response.trackProperties,
        maxBufferedObjects: this.#options.maxBufferedObjects,
      },
      stream,
      this.#ctx,
      (s) => {
        if (this.#subscriptions.get(s.trackAlias) === s) this.#subscriptions.delete(s.trackAlias);
      },
    );
    this.#subscriptions.set(response.trackAlias, subscription);
    this.#aliasWaiters.settle(response.trackAlias, subscription);
    this.#spawn(() => subscription.run());
    return subscription;
  }

  /** A standalone FETCH of a past range (draft-19 "Standalone Fetch"). */
  fetch(namespace: readonly string[], name: string, range: FetchRange, options: FetchOptions = {}): Promise<FetchResponse> {
    return this.#fetch(
      (requestId, parameters) => ({
        type: MoqtMessageType.Fetch,
        requestId,
        fetchType: FetchType.Standalone,
        trackNamespace: encodeNamespace(namespace),
        trackName: encodeUtf8(name),
        startLocation: range.start,
        // Wire End Location: last object + 1, object 0 = the whole group.
        endLocation: { group: range.end.group, object: range.end.object === undefined ? 0n : range.end.object + 1n },
        joiningRequestId: 0n,
        joiningStart: 0n,
        parameters,
      }),
      name,
      options,
    );
  }

  /**
   * A joining FETCH for `subscription` (draft-19 "Joining Fetches"): the objects before it started, so FETCH +
   * SUBSCRIBE are contiguous. Default `{ groupsBack: 0n }`: from the first object of the current group, which is how a
   * new viewer starts at a key frame.
   */
  joiningFetch(
    subscription: Subscription,
    start: JoiningFetchStart = { groupsBack: 0n },
    options: FetchOptions = {},
  ): Promise<FetchResponse> {
    return this.#joiningFetch(subscription.requestId, subscription.name, start, options);
  }

  #joiningFetch(joiningRequestId: bigint, track: string, start: JoiningFetchStart, options: FetchOptions): Promise<FetchResponse> {
    const relative = "groupsBack" in start;
    return this.#fetch(
      (requestId, parameters) => ({
        type: MoqtMessageType.Fetch,
        requestId,
        fetchType: relative ? FetchType.RelativeJoining : FetchType.AbsoluteJoining,
        trackNamespace: null,
        trackName: new Uint8Array(0),
        startLocation: { group: 0n, object: 0n },
        endLocation: { group: 0n, object: 0n },
        joiningRequestId,
        joiningStart: relative ? start.groupsBack : start.startGroup,
        parameters,
      }),
      track,
      options,
    );
  }

  async #fetch(
    build: (requestId: bigint, parameters: Fetch["parameters"]) => Fetch,
    track: string,
    options: FetchOptions,
  ): Promise<FetchResponse> {
    this.#throwIfClosed();
    const requestId = this.#allocateRequestId();
    const priority = options.priority ?? DEFAULT_SUBSCRIBER_PRIORITY;
    const order = options.groupOrder ?? GroupOrder.Ascending;
    const message = build(
      requestId,
      messageParameters({
        subscriberPriority: priority === DEFAULT_SUBSCRIBER_PRIORITY ? null : priority,
        groupOrder: order === GroupOrder.Ascending ? null : order,
      }),
    );
    // Registered first: the FETCH stream can arrive before FETCH_OK.
    const response = new FetchResponse(requestId, order, this.#options.maxBufferedObjects);
    this.#fetches.set(requestId, response);
    try {
      const label: RequestLabel = { requestId, request: "FETCH", track };
      const stream = await this.#openRequest(message, label);
      const reply = await this.#readResponse(stream, label);
      if (reply.type === MoqtMessageType.RequestError) {
        await stream.finish();
        throw requestErrorFrom(reply);
      }
      if (reply.type !== MoqtMessageType.FetchOk) throw this.#unexpected(reply, "FETCH");
      // Our FIN is not awaited: in a browser closing a stream's writable resolves only after another round trip to the
      // network process (30–180 ms on a busy machine, issue 5), and the fetch's objects need nothing from it.
      void stream.finish();
      response.accepted({ endOfTrack: reply.endOfTrack, endLocation: reply.endLocation, trackProperties: reply.trackProperties }, stream);
      return response;
    } catch (e) {
      this.#fetches.delete(requestId);
      response.end(e);
      throw e;
    }
  }

  /**
   * PUBLISH (draft-19 "PUBLISH"): pushes `track` to the peer (a relay) without waiting to be asked, so the peer holds
   * its newest groups before any subscriber of its own comes (issue 5: a relay serves a channel's first viewer from
   * its cache). Resolves once the peer accepted (PUBLISH_OK, a REQUEST_OK); rejects with MoqtRequestError on its
   * REQUEST_ERROR (e.g. UNINTERESTED: the peer gets the track otherwise). The subscription carries every object after
   * the track's largest one at the time of the PUBLISH (its Joining Location, draft-19 "Subscriptions"), including
   * those written before the answer, in the Forward State the peer chose, until the track closes (PUBLISH_DONE) or the
   * peer cancels it. A track PUBLISHed before any object is written reaches the peer whole.
   */
  async publish(track: TrackWriter): Promise<void> {
    this.#throwIfClosed();
    if (track.closed) throw new Error(`track ${track.name} is closed`);
    const label: RequestLabel = { requestId: this.#allocateRequestId(), request: "PUBLISH", track: track.name };
    const trackAlias = this.#nextTrackAlias++;
    const largest = track.largest;
    const stream = await this.#openRequest(
      {
        type: MoqtMessageType.Publish,
        requestId: label.requestId,
        trackNamespace: encodeNamespace(track.namespace),
        trackName: encodeUtf8(track.name),
        trackAlias,
        // draft-19 "LARGEST OBJECT": required once objects were published; absent, the peer knows nothing came yet.
        parameters: messageParameters({ largestObject: largest }),
        trackProperties: [intPair(PropertyType.DefaultPublisherPriority, BigInt(track.publisherPriority))],
      },
      label,
    );
    const reply = await this.#readResponse(stream, label);
    if (reply.type === MoqtMessageType.RequestError) {
      await stream.finish();
      throw requestErrorFrom(reply);
    }
    if (reply.type !== MoqtMessageType.RequestOk) throw this.#unexpected(reply, "PUBLISH");
    const p = reply.parameters;
    const served = new ServedSubscription(
      this.#ctx,
      {
        requestId: label.requestId,
        trackAlias,
        track,
        range: {
          start: largest === null ? { group: 0n, object: 0n } : { group: largest.group, object: largest.object + 1n },
          endGroup: null,
        },
        subscriberPriority: p.subscriberPriority ?? DEFAULT_SUBSCRIBER_PRIORITY,
        groupOrder: p.groupOrder ?? GroupOrder.Ascending,
        // draft-19 "FORWARD Parameter": omitted from PUBLISH_OK means 1.
        forward: p.forward ?? true,
      },
      stream,
      (s) => this.#servedEnded(s),
    );
    // The Largest Location sent in PUBLISH, not the track's largest now (draft-19 "Subscriptions").
    if (served.forward) served.joiningLocation = largest;
    this.#served.set(label.requestId, served);
    // Objects written while PUBLISH_OK was on its way are still in the track's cache: start() sends them first.
    served.start();
    this.#spawn(() => served.run());
  }

  #servedEnded(s: ServedSubscription): void {
    if (this.#served.get(s.requestId) === s) this.#served.delete(s.requestId);
    if (this.#served.size === 0) this.#servedDrained.settle(null, true);
  }

  /**
   * PUBLISH_NAMESPACE (draft-19 "PUBLISH_NAMESPACE"): announces `namespace`; the peer's SUBSCRIBE and FETCH for
   * its tracks are served from the TrackWriters created on the returned PublishedNamespace, and from `tracks`,
   * created beforehand in that namespace (e.g. PUBLISHed first, so a relay has them before it learns the namespace).
   */
  async publishNamespace(namespace: readonly string[], tracks: readonly TrackWriter[] = []): Promise<PublishedNamespace> {
    const key = namespaceKey(namespace);
    if (this.#published.has(key)) throw new Error(`namespace ${key} is already published on this session`);
    for (const track of tracks) {
      if (namespaceKey(track.namespace) !== key) throw new Error(`track ${track.name} is not in namespace ${key}`);
    }
    const label: RequestLabel = { requestId: this.#allocateRequestId(), request: "PUBLISH_NAMESPACE" };
    const stream = await this.#openRequest(
      {
        type: MoqtMessageType.PublishNamespace,
        requestId: label.requestId,
        trackNamespace: encodeNamespace(namespace),
        parameters: messageParameters(),
      },
      label,
    );
    // Registered before the answer: a SUBSCRIBE may follow REQUEST_OK at once.
    const published = new PublishedNamespace([...namespace], stream, tracks, (p) => {
      if (this.#published.get(key) !== p) return;
      this.#published.delete(key);
      for (const n of this.#servedNamespaceSubscriptions) n.changed(p.namespace, false);
    });
    this.#published.set(key, published);
    let response: ControlMessage;
    try {
      response = await this.#readResponse(stream, label);
    } catch (e) {
      this.#published.delete(key);
      throw e;
    }
    if (response.type !== MoqtMessageType.RequestOk) {
      this.#published.delete(key);
      if (response.type === MoqtMessageType.RequestError) {
        await stream.finish();
        throw requestErrorFrom(response);
      }
      throw this.#unexpected(response, "PUBLISH_NAMESPACE");
    }
    for (const n of this.#servedNamespaceSubscriptions) n.changed(published.namespace, true);
    this.#spawn(() => published.run());
    return published;
  }

  /** SUBSCRIBE_NAMESPACE (draft-19 "SUBSCRIBE_NAMESPACE"): NAMESPACE / NAMESPACE_DONE events for `prefix`. */
  async subscribeNamespace(prefix: readonly string[]): Promise<NamespaceSubscription> {
    const label: RequestLabel = { requestId: this.#allocateRequestId(), request: "SUBSCRIBE_NAMESPACE" };
    const stream = await this.#openRequest(
      {
        type: MoqtMessageType.SubscribeNamespace,
        requestId: label.requestId,
        trackNamespacePrefix: encodeNamespace(prefix),
        parameters: messageParameters(),
      },
      label,
    );
    const response = await this.#readResponse(stream, label);
    if (response.type === MoqtMessageType.RequestError) {
      await stream.finish();
      throw requestErrorFrom(response);
    }
    if (response.type !== MoqtMessageType.RequestOk) throw this.#unexpected(response, "SUBSCRIBE_NAMESPACE");
    const subscription = new NamespaceSubscription([...prefix], stream);
    this.#namespaceSubscriptions.add(subscription);
    this.#spawn(async () => {
      try {
        await subscription.run();
      } finally {
        this.#namespaceSubscriptions.delete(subscription);
      }
    });
    return subscription;
  }

  // ---- Incoming streams.

  async #acceptUnidirectional(): Promise<void> {
    const reader = this.#transport.incomingUnidirectionalStreams.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      this.#spawn(() => this.#handleUnidirectional(value));
    }
  }

  async #handleUnidirectional(stream: ReadableStream<Uint8Array>): Promise<void> {
    const reader = new BufferedStreamReader(stream);
    const first = await reader.read(tryReadFirstUnit);
    if (first === undefined) return;
    switch (first.kind) {
      case StreamKind.Control:
        await this.#runPeerControlStream(reader, first.message);
        return;
      case StreamKind.Subgroup:
        await this.#peerSetup;
        await receiveSubgroupStream(reader, first.header, await this.#findSubscription(first.header.trackAlias));
        return;
      case StreamKind.Fetch:
        await this.#peerSetup;
        await receiveFetchStream(reader, this.#fetches.get(first.header.requestId));
        this.#fetches.delete(first.header.requestId);
        return;
      case StreamKind.Padding:
        // draft-19 "Padding Streams": discard.
        await reader.cancel().catch(() => {});
        return;
    }
  }

  /** The subscription of `alias`, waiting a little for a SUBSCRIBE_OK still in flight. */
  #findSubscription(alias: bigint): Promise<Subscription | undefined> {
    const known = this.#subscriptions.get(alias);
    if (known !== undefined) return Promise.resolve(known);
    return this.#aliasWaiters.wait(alias, this.#options.unknownAliasTimeoutMs);
  }

  async #receiveDatagrams(): Promise<void> {
    const reader = this.#transport.datagrams.readable.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      const datagram = decodeObjectDatagram(value);
      if (datagram !== null) deliverDatagram(datagram, this.#subscriptions.get(datagram.trackAlias));
    }
  }

  #sendDatagram(bytes: Uint8Array): void {
    if (this.#datagramWriter === null) {
      const d = this.#transport.datagrams;
      const writable = d.createWritable?.() ?? d.writable;
      if (writable === undefined) return;
      this.#datagramWriter = writable.getWriter();
    }
    this.#datagramWriter.write(bytes).catch(() => {});
  }

  async #acceptBidirectional(): Promise<void> {
    const reader = this.#transport.incomingBidirectionalStreams.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      this.#spawn(() => this.#handleRequest(new RequestStream(value)));
    }
  }

  async #handleRequest(stream: RequestStream): Promise<void> {
    const first = await stream.read();
    if (first === undefined) return;
    if (!REQUEST_TYPES.has(first.type)) protocolViolation(`a request stream cannot start with message 0x${first.type.toString(16)}`);
    // Requests may arrive before the peer's SETUP (draft-19 "Session initialization"): hold them until it is in.
    await this.#peerSetup;
    // Any other request leaves a joining FETCH waiting for its Request ID nothing to join.
    if (first.type !== MoqtMessageType.Subscribe && "requestId" in first) this.#joinWaiters.settle(first.requestId, undefined);
    switch (first.type) {
      case MoqtMessageType.Subscribe: {
        this.#acceptPeerRequestId(first.requestId);
        // #serveSubscribe registers the subscription (or rejects it) before its first await: a joining FETCH that
        // arrived first and waits for this Request ID learns the outcome now.
        const serving = this.#serveSubscribe(stream, first);
        this.#joinWaiters.settle(first.requestId, this.#served.get(first.requestId));
        return serving;
      }
      case MoqtMessageType.Fetch:
        this.#acceptPeerRequestId(first.requestId);
        return serveFetch(this.#ctx, stream, first, {
          track: (f) => (f.trackNamespace === null ? undefined : this.#findTrack(decodeNamespace(f.trackNamespace), f.trackName)),
          subscription: (id) => this.#joinedSubscription(id),
        });
      case MoqtMessageType.TrackStatus: {
        this.#acceptPeerRequestId(first.requestId);
        const track = this.#findTrack(decodeNamespace(first.trackNamespace), first.trackName);
        if (track === undefined) return rejectRequest(stream, RequestErrorCode.DoesNotExist, "no such track");
        return stream.write(
          {
            type: MoqtMessageType.RequestOk,
            parameters: messageParameters({ largestObject: track.largest }),
            trackProperties: [intPair(PropertyType.DefaultPublisherPriority, BigInt(track.publisherPriority))],
          },
          true,
        );
      }
      case MoqtMessageType.PublishNamespace:
        this.#acceptPeerRequestId(first.requestId);
        return this.#servePublishNamespace(stream, decodeNamespace(first.trackNamespace));
      case MoqtMessageType.SubscribeNamespace:
        this.#acceptPeerRequestId(first.requestId);
        return this.#serveSubscribeNamespace(stream, decodeNamespace(first.trackNamespacePrefix));
      case MoqtMessageType.Publish:
      case MoqtMessageType.SubscribeTracks:
        this.#acceptPeerRequestId(first.requestId);
        return rejectRequest(stream, RequestErrorCode.NotSupported, "this endpoint does not accept this request");
    }
  }

  async #servePublishNamespace(stream: RequestStream, namespace: string[]): Promise<void> {
    const key = namespaceKey(namespace);
    if (!this.#options.acceptPublishNamespace)
      return rejectRequest(stream, RequestErrorCode.NotSupported, "this endpoint does not accept namespaces");
    if (this.#peerNamespaces.has(key)) return rejectRequest(stream, RequestErrorCode.InternalError, "namespace already published");
    this.#peerNamespaces.set(key, namespace);
    try {
      await stream.write({ type: MoqtMessageType.RequestOk, parameters: messageParameters(), trackProperties: [] });
      // Published until the peer cancels the request (or the session ends).
      while ((await stream.read()) !== undefined) {
        // Nothing to answer.
      }
    } catch (e) {
      if (!isStreamFailure(e)) throw e;
    } finally {
      this.#peerNamespaces.delete(key);
    }
  }

  async #serveSubscribeNamespace(stream: RequestStream, prefix: string[]): Promise<void> {
    for (const other of this.#servedNamespaceSubscriptions) {
      // draft-19 "SUBSCRIBE_NAMESPACE": prefixes of one session must not overlap.
      if (isNamespacePrefix(other.prefix, prefix) || isNamespacePrefix(prefix, other.prefix)) {
        return rejectRequest(stream, RequestErrorCode.PrefixOverlap, "overlaps an established SUBSCRIBE_NAMESPACE");
      }
    }
    const served = new ServedNamespaceSubscription(prefix, stream);
    this.#servedNamespaceSubscriptions.add(served);
    try {
      served.start([...this.#published.values()].map((p) => p.namespace));
      await served.run();
    } finally {
      this.#servedNamespaceSubscriptions.delete(served);
    }
  }

  #findTrack(namespace: readonly string[], name: Uint8Array): TrackWriter | undefined {
    const published = this.#published.get(namespaceKey(namespace));
    const track = published?.getTrack(new TextDecoder().decode(name));
    return track === undefined || track.closed ? undefined : track;
  }

  async #serveSubscribe(stream: RequestStream, subscribe: Subscribe): Promise<void> {
    const track = this.#findTrack(decodeNamespace(subscribe.trackNamespace), subscribe.trackName);
    if (track === undefined) return rejectRequest(stream, RequestErrorCode.DoesNotExist, "no such track");
    const p = subscribe.parameters;
    const largest = track.largest;
    const range = this.#resolveRange(p.locationFilter, largest);
    // draft-19 "Location Filters": a range whose End Group is already complete cannot be served.
    if (range.endGroup !== null && largest !== null && range.endGroup < largest.group) {
      return rejectRequest(stream, RequestErrorCode.InvalidRange, "the end group has already been published");
    }
    const trackAlias = this.#nextTrackAlias++;
    const served = new ServedSubscription(
      this.#ctx,
      {
        requestId: subscribe.requestId,
        trackAlias,
        track,
        range,
        subscriberPriority: p.subscriberPriority ?? DEFAULT_SUBSCRIBER_PRIORITY,
        groupOrder: p.groupOrder ?? GroupOrder.Ascending,
        forward: p.forward ?? true,
      },
      stream,
      (s) => this.#servedEnded(s),
    );
    this.#served.set(subscribe.requestId, served);
    await stream.write({
      type: MoqtMessageType.SubscribeOk,
      trackAlias,
      parameters: messageParameters({ largestObject: largest }),
      trackProperties: [intPair(PropertyType.DefaultPublisherPriority, BigInt(track.publisherPriority))],
    });
    served.start();
    await served.run();
  }

  /** draft-19 "Location Filters"; no filter passes every object. */
  #resolveRange(filter: Subscribe["parameters"]["locationFilter"], largest: Location | null): SubscriptionRange {
    if (filter === null) return { start: { group: 0n, object: 0n }, endGroup: null };
    switch (filter.type) {
      case LocationFilterType.LargestObject:
        return {
          start: largest === null ? { group: 0n, object: 0n } : { group: largest.group, object: largest.object + 1n },
          endGroup: null,
        };
      case LocationFilterType.NextGroupStart:
        return { start: largest === null ? { group: 0n, object: 0n } : { group: largest.group + 1n, object: 0n }, endGroup: null };
      default: {
        const start = filter.start ?? { group: 0n, object: 0n };
        return { start, endGroup: filter.endGroupDelta === null ? null : start.group + filter.endGroupDelta };
      }
    }
  }
}
