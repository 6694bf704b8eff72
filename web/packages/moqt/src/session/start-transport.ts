// Apart from connect.ts (and the session it imports), so that a page can start its session from a small first script.
import type { CertificateHash } from "./certificate-hash.ts";
import type { MoqtTransport } from "./web-transport.ts";

/** The WebTransport protocol (and ALPN) of draft-19 (draft-19 "WebTransport"). */
export const MOQT_PROTOCOL = "moqt-19";

/**
 * Creates the WebTransport session `openSession` (connect.ts) would (offering `moqt-19`, with `hashes` as
 * `serverCertificateHashes`) without waiting for it: a page that knows where it will connect starts it as early as it
 * can and passes it as `ConnectOptions.transport`.
 */
export function startTransport(
  url: string,
  hashes?: readonly CertificateHash[],
  create: (url: string, init: WebTransportOptions) => MoqtTransport = (u, i) => new WebTransport(u, i) as unknown as MoqtTransport,
): MoqtTransport {
  const init: WebTransportOptions = { protocols: [MOQT_PROTOCOL] } as WebTransportOptions;
  if (hashes !== undefined) init.serverCertificateHashes = hashes.map((h) => ({ algorithm: h.algorithm, value: h.value }));
  return create(url, init);
}
