import { MoqtSession, type MoqtSessionOptions } from "../session/session.ts";
import { MoqtMessageType } from "../wire/message-type.ts";
import { createFakeTransportPair, type FakeWebTransport } from "./fake-web-transport.ts";

/** The SETUP a hand-driven peer sends (raw bytes through the fake transport) to start a session against it. */
export const RAW_SETUP = {
  type: MoqtMessageType.Setup,
  path: null,
  authority: null,
  authorizationTokens: [],
  maxAuthTokenCacheSize: null,
  maxFilterRanges: null,
  moqtImplementation: "raw-peer",
  maxRequestUpdates: null,
  unknownOptions: [],
} as const;

export interface SessionPair {
  readonly client: MoqtSession;
  readonly server: MoqtSession;
  readonly clientTransport: FakeWebTransport;
  readonly serverTransport: FakeWebTransport;
}

/** A client and a server MoqtSession over the in-memory transport pair, after the SETUP exchange. */
export async function startSessionPair(client: MoqtSessionOptions = {}, server: MoqtSessionOptions = {}): Promise<SessionPair> {
  const [clientTransport, serverTransport] = createFakeTransportPair();
  const [c, s] = await Promise.all([
    MoqtSession.start(clientTransport, { role: "client", ...client }),
    MoqtSession.start(serverTransport, { role: "server", acceptPublishNamespace: true, ...server }),
  ]);
  return { client: c, server: s, clientTransport, serverTransport };
}

/** Collects `count` items from an async iterable, failing after `timeoutMs`. */
export async function take<T>(source: AsyncIterable<T>, count: number, timeoutMs = 5000): Promise<T[]> {
  const items: T[] = [];
  if (count === 0) return items;
  const iterator = source[Symbol.asyncIterator]();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${items.length} of ${count} items`)), timeoutMs);
  });
  try {
    while (items.length < count) {
      const r = await Promise.race([iterator.next(), timeout]);
      if (r.done) break;
      items.push(r.value);
    }
  } finally {
    clearTimeout(timer);
  }
  return items;
}

/** Resolves `promise` or rejects after `timeoutMs`. */
export async function within<T>(promise: Promise<T>, timeoutMs = 5000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
