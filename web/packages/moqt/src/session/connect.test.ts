import { afterEach, describe, expect, it, vi } from "vitest";
import { createFakeTransportPair } from "../test-support/fake-web-transport.ts";
import { within } from "../test-support/session-pair.ts";
import { type ConnectStep, connect } from "./connect.ts";
import { MoqtSession } from "./session.ts";

const HASH_HEX = "ab".repeat(32);

describe("connect", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("reports the certificate fetch and the ready transport before resolving after SETUP", async () => {
    const [clientTransport, serverTransport] = createFakeTransportPair();
    const fetched: string[] = [];
    vi.stubGlobal("fetch", async (url: URL) => {
      fetched.push(url.toString());
      return new Response(`${HASH_HEX}\n`);
    });
    const steps: ConnectStep[] = [];
    let hashes: WebTransportHash[] | undefined;
    const server = MoqtSession.start(serverTransport, { role: "server" });
    const session = await within(
      connect("https://relay.example:4443/moq", {
        serverCertificateHashes: "fetch",
        onProgress: (step) => steps.push(step),
        createTransport: (_url, init) => {
          // The hash is fetched before the transport is created.
          expect(steps).toEqual(["certificate"]);
          hashes = init.serverCertificateHashes;
          return clientTransport;
        },
      }),
    );
    expect(fetched).toEqual(["https://relay.example:4443/certificate.sha256"]);
    expect(hashes?.[0]?.value).toEqual(new Uint8Array(32).fill(0xab));
    expect(steps).toEqual(["certificate", "transport"]);
    expect(session.peerSetup).toBeDefined();
    session.close();
    (await within(server)).close();
  });

  it("reports only the transport when the hashes are given", async () => {
    const [clientTransport, serverTransport] = createFakeTransportPair();
    const steps: ConnectStep[] = [];
    const server = MoqtSession.start(serverTransport, { role: "server" });
    const session = await within(
      connect("https://relay.example:4443/moq", {
        serverCertificateHashes: [{ algorithm: "sha-256", value: new Uint8Array(32) }],
        onProgress: (step) => steps.push(step),
        createTransport: () => clientTransport,
      }),
    );
    expect(steps).toEqual(["transport"]);
    session.close();
    (await within(server)).close();
  });
});
