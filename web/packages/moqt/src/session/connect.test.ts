import { afterEach, describe, expect, it, vi } from "vitest";
import { createFakeTransportPair } from "../test-support/fake-web-transport.ts";
import { RAW_SETUP, within } from "../test-support/session-pair.ts";
import { encodeControlMessage } from "../wire/control-message.ts";
import { messageParameters } from "../wire/message-parameters.ts";
import { MoqtMessageType } from "../wire/message-type.ts";
import { type ConnectStep, connect, openSession } from "./connect.ts";
import { RequestStream } from "./request-stream.ts";
import { MoqtSession } from "./session.ts";
import { MOQT_PROTOCOL, startTransport } from "./start-transport.ts";
import type { TransportBidirectionalStream } from "./web-transport.ts";

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

  it("openSession: a request goes out before the server's SETUP arrives, and is answered once it does", async () => {
    const [clientTransport, serverTransport] = createFakeTransportPair();
    const { session, setup } = await within(
      openSession("https://relay.example:4443/moq", {
        serverCertificateHashes: [{ algorithm: "sha-256", value: new Uint8Array(32) }],
        createTransport: () => clientTransport,
      }),
    );
    let setupDone = false;
    void setup.then(() => {
      setupDone = true;
    });
    const subscribing = session.subscribe(["live", "demo"], "catalog");
    // A raw server: it sends its SETUP only after the SUBSCRIBE reached it (draft-19 "Session initialization").
    const incoming = serverTransport.incomingBidirectionalStreams.getReader();
    const request = new RequestStream((await within(incoming.read())).value as TransportBidirectionalStream);
    expect((await within(request.read()))?.type).toBe(MoqtMessageType.Subscribe);
    expect(setupDone).toBe(false);
    await serverTransport.sendRawUnidirectional(encodeControlMessage(RAW_SETUP), false);
    await within(setup);
    await request.write({ type: MoqtMessageType.SubscribeOk, trackAlias: 1n, parameters: messageParameters(), trackProperties: [] });
    expect((await within(subscribing)).trackAlias).toBe(1n);
    session.close();
  });

  it("openSession takes over a transport started ahead with startTransport, creating none and fetching nothing", async () => {
    const [clientTransport, serverTransport] = createFakeTransportPair();
    vi.stubGlobal("fetch", () => {
      throw new Error("no fetch expected");
    });
    let init: WebTransportOptions | undefined;
    const started = startTransport(
      "https://relay.example:4443/moq",
      [{ algorithm: "sha-256", value: new Uint8Array(32).fill(7) }],
      (_url, i) => {
        init = i;
        return clientTransport;
      },
    );
    expect((init as { protocols?: string[] } | undefined)?.protocols).toEqual([MOQT_PROTOCOL]);
    expect(init?.serverCertificateHashes?.[0]?.value).toEqual(new Uint8Array(32).fill(7));
    const steps: ConnectStep[] = [];
    const server = MoqtSession.start(serverTransport, { role: "server" });
    const { session, setup } = await within(
      openSession("https://relay.example:4443/moq", {
        serverCertificateHashes: "fetch",
        transport: started,
        onProgress: (step) => steps.push(step),
        createTransport: () => {
          throw new Error("a second transport was created");
        },
      }),
    );
    await within(setup);
    expect(steps).toEqual(["transport"]);
    session.close();
    (await within(server)).close();
  });
});
