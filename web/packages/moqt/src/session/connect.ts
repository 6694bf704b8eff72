import { type CertificateHash, fetchCertificateHash } from "./certificate-hash.ts";
import { MoqtSession, type MoqtSessionOptions } from "./session.ts";
import { MOQT_PROTOCOL, startTransport } from "./start-transport.ts";
import type { MoqtTransport } from "./web-transport.ts";

export interface ConnectOptions extends MoqtSessionOptions {
  /**
   * Server certificate hashes for a self-signed certificate. `"fetch"` reads `/certificate.sha256` from the URL's
   * origin (MoqLive's development certificate); omit for a certificate the browser trusts.
   */
  readonly serverCertificateHashes?: readonly CertificateHash[] | "fetch";
  /**
   * Called as the session comes up (issue 5: where a join's time goes): `"certificate"` once `/certificate.sha256` was
   * fetched (with `serverCertificateHashes: "fetch"`), `"transport"` once the WebTransport session is ready (QUIC and
   * TLS handshake, HTTP/3 SETTINGS, extended CONNECT). The promise `connect` returns resolves after the SETUP exchange.
   */
  readonly onProgress?: (step: ConnectStep) => void;
  /** For tests: how to create the transport (default: the browser's WebTransport). */
  readonly createTransport?: (url: string, init: WebTransportOptions) => MoqtTransport;
  /**
   * A session to the same URL started ahead with {@link startTransport} (e.g. by a page as it loads, before its bundle
   * has set anything else up: issue 5's join), used instead of creating one; `serverCertificateHashes` then only matter
   * for a session started without hashes.
   */
  readonly transport?: MoqtTransport;
}

/** What {@link ConnectOptions.onProgress} reports. */
export type ConnectStep = "certificate" | "transport";

/** Opens a WebTransport session to `url` (e.g. https://host:port/moq) offering `moqt-19`, then starts MOQT on it. */
export async function connect(url: string, options: ConnectOptions = {}): Promise<MoqtSession> {
  const { session, setup } = await openSession(url, options);
  await setup;
  return session;
}

/**
 * {@link connect}, resolved as soon as the WebTransport session is ready, with the MOQT SETUP exchange under way
 * (`MoqtSession.begin`): requests made at once go out beside the SETUP, one round trip sooner (issue 5's join). `setup`
 * resolves after the server's SETUP; when it rejects, the session is closed.
 */
export async function openSession(url: string, options: ConnectOptions = {}): Promise<{ session: MoqtSession; setup: Promise<void> }> {
  let transport = options.transport;
  if (transport === undefined) {
    let hashes: readonly CertificateHash[] | undefined;
    if (options.serverCertificateHashes === "fetch") {
      hashes = [await fetchCertificateHash(url)];
      options.onProgress?.("certificate");
    } else hashes = options.serverCertificateHashes;
    transport = startTransport(url, hashes, options.createTransport);
  }
  await transport.ready;
  options.onProgress?.("transport");
  if (transport.protocol !== undefined && transport.protocol !== "" && transport.protocol !== MOQT_PROTOCOL) {
    transport.close({ closeCode: 0x15, reason: `unsupported protocol ${transport.protocol}` });
    throw new Error(`the server selected protocol ${transport.protocol}, not ${MOQT_PROTOCOL}`);
  }
  return MoqtSession.begin(transport, options);
}
