import {
  type CertificateHash,
  connect,
  fetchCertificateHash,
  intPair,
  intProperty,
  type MoqtSession,
  type MoqtTransport,
  type TrackWriter,
} from "@moqlive/moqt";

/**
 * Runs in Chromium for MoqtBrowserTests: the browser MOQT session against `moqlive serve`. Exposed as
 * `window.moqtE2E`; every function resolves with plain JSON for Playwright.
 */

/** LOC TIMESTAMP (0x10): send time in µs since the epoch, as the channel format carries capture time. */
const TIMESTAMP = 0x10n;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function hashFromHex(hex: string): CertificateHash {
  const value = new Uint8Array(32);
  for (let i = 0; i < 32; i++) value[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return { algorithm: "sha-256", value };
}

/** The `moqlive publish --clock` payload: "moqlive-clock <µs since epoch> <ISO time>\n". */
function clockPayload(nowMs: number): Uint8Array {
  const micros = BigInt(Math.round(nowMs * 1000));
  return encoder.encode(`moqlive-clock ${micros} ${new Date(nowMs).toISOString()}\n`);
}

function parseClock(payload: Uint8Array): number | null {
  const m = /^moqlive-clock (\d+) /.exec(decoder.decode(payload));
  return m?.[1] === undefined ? null : Number(BigInt(m[1])) / 1000;
}

let publisher: { session: MoqtSession; track: TrackWriter; timer: ReturnType<typeof setInterval>; written: number } | null = null;

async function startPublisher(url: string, hashHex: string, namespace: string[], name: string, intervalMs: number, perGroup: number) {
  const session = await connect(url, { serverCertificateHashes: [hashFromHex(hashHex)] });
  const published = await session.publishNamespace(namespace);
  const track = published.createTrack(name, { publisherPriority: 64 });
  const state = { session, track, written: 0, timer: setInterval(() => {}, 1 << 30) };
  clearInterval(state.timer);
  let group = track.openGroup(BigInt(Date.now()));
  state.timer = setInterval(() => {
    if (state.written > 0 && state.written % perGroup === 0) group = track.openGroup();
    const now = Date.now();
    group.write(clockPayload(now), { properties: [intPair(TIMESTAMP, BigInt(now) * 1000n)] });
    state.written++;
  }, intervalMs);
  publisher = state;
  return { implementation: session.peerSetup.moqtImplementation };
}

function publisherStatus() {
  return { written: publisher?.written ?? 0, subscribers: publisher?.track.subscriberCount ?? 0 };
}

async function stopPublisher() {
  if (publisher === null) return { written: 0 };
  clearInterval(publisher.timer);
  publisher.track.close();
  const written = publisher.written;
  publisher.session.close(0, "done");
  publisher = null;
  return { written };
}

/** Subscribes (largest-object), joins with a relative joining FETCH, and reads `count` live objects. */
async function subscribe(url: string, hashHex: string, namespace: string[], name: string, count: number) {
  const session = await connect(url, { serverCertificateHashes: [hashFromHex(hashHex)] });
  try {
    const sub = await session.subscribe(namespace, name);
    console.log(`subscribed, largest ${sub.largest?.group}/${sub.largest?.object}`);
    const fetched: { group: string; object: string; size: number }[] = [];
    if (sub.largest !== null) {
      const history = await session.joiningFetch(sub);
      console.log(`FETCH_OK end ${history.ok.endLocation.group}/${history.ok.endLocation.object}`);
      for await (const o of history.objects) fetched.push({ group: o.group.toString(), object: o.id.toString(), size: o.payload.length });
      console.log(`joining FETCH: ${fetched.length} objects`);
    }
    const live: { group: string; object: string; size: number; latencyMs: number | null; timestamp: string | null }[] = [];
    for await (const o of sub.objects) {
      const sent = parseClock(o.payload);
      live.push({
        group: o.group.toString(),
        object: o.id.toString(),
        size: o.payload.length,
        latencyMs: sent === null ? null : Date.now() - sent,
        timestamp: intProperty(o.properties, TIMESTAMP)?.toString() ?? null,
      });
      if (live.length >= count) break;
    }
    sub.unsubscribe();
    console.log(`received ${live.length} live objects`);
    return { largest: sub.largest === null ? null : [sub.largest.group.toString(), sub.largest.object.toString()], fetched, live };
  } finally {
    session.close(0, "done");
  }
}

/**
 * Issue 5: how long a session takes to come up from this page, in ms (performance.now()): the fetch of
 * `/certificate.sha256` from the page's origin (when `hashHex` is null, as the apps do), `new WebTransport(url)` →
 * `ready` (QUIC + TLS handshake, HTTP/3 SETTINGS, extended CONNECT and its 200), and → the server's MOQT SETUP.
 */
async function connectTimed(url: string, hashHex: string | null) {
  const start = performance.now();
  const hash = hashHex === null ? await fetchCertificateHash(location.origin) : hashFromHex(hashHex);
  const hashed = performance.now();
  let created = 0;
  let ready = 0;
  const session = await connect(url, {
    serverCertificateHashes: [hash],
    createTransport: (u, init) => {
      created = performance.now();
      const transport = new WebTransport(u, init);
      // Registered before connect() awaits `ready`, so this runs first.
      transport.ready.then(
        () => {
          ready = performance.now();
        },
        () => {},
      );
      return transport as unknown as MoqtTransport;
    },
  });
  const setup = performance.now();
  const implementation = session.peerSetup.moqtImplementation;
  session.close(0, "probe done");
  return { certificateFetchMs: hashed - start, readyMs: ready - created, serverSetupMs: setup - created, implementation };
}

declare global {
  interface Window {
    moqtE2E: {
      startPublisher: typeof startPublisher;
      publisherStatus: typeof publisherStatus;
      stopPublisher: typeof stopPublisher;
      subscribe: typeof subscribe;
      connectTimed: typeof connectTimed;
    };
  }
}

window.moqtE2E = { startPublisher, publisherStatus, stopPublisher, subscribe, connectTimed };
