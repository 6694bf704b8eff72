import { Connection } from "@moq/net";
import { withLargestObjectShim } from "./largest-object-shim.ts";

/** Where and how to reach the relay: its WebTransport URL and the SHA-256 of its certificate (hex). */
export interface RelayArgs {
  url: string;
  certificateSha256: string;
}

/**
 * Opens the WebTransport session ourselves, offering only `moqt-19` and pinning the certificate
 * (serverCertificateHashes), and hands it to @moq/net (`transport`: its documented way to use an existing session,
 * which also skips its WebSocket race). @moq/net then picks its draft-19 handshake from the negotiated protocol
 * (`transport.protocol`). The session is wrapped by {@link withLargestObjectShim}; see there for why.
 */
export async function connect(args: RelayArgs): Promise<Connection.Established> {
  const hash = new Uint8Array(args.certificateSha256.match(/../g)?.map((h) => Number.parseInt(h, 16)) ?? []);
  // `protocols` is in the W3C WebTransportOptions but not yet in TypeScript's DOM typings, hence the wider type.
  const options: WebTransportOptions & { protocols: string[] } = {
    protocols: ["moqt-19"],
    serverCertificateHashes: [{ algorithm: "sha-256", value: hash }],
  };
  const transport = new WebTransport(args.url, options);
  transport.closed.catch(() => {});
  await transport.ready;
  const negotiated = (transport as WebTransport & { protocol?: string }).protocol;
  if (negotiated !== "moqt-19") throw new Error(`the relay negotiated "${negotiated}", not moqt-19`);
  return Connection.connect(new URL(args.url), { transport: withLargestObjectShim(transport), signal: AbortSignal.timeout(20_000) });
}
