import { describe, expect, it } from "vitest";
import { createFakeTransportPair } from "../test-support/fake-web-transport.ts";
import { RAW_SETUP as SETUP, startSessionPair, within } from "../test-support/session-pair.ts";
import { encodeControlMessage } from "../wire/control-message.ts";
import { MoqtErrorCode } from "../wire/error-code.ts";
import { MoqtSessionClosedError } from "./errors.ts";
import { MoqtSession } from "./session.ts";

describe("MoqtSession setup", () => {
  it("exchanges SETUP on unidirectional control streams", async () => {
    const { client, server, clientTransport } = await startSessionPair(
      { implementation: "client-impl" },
      { implementation: "server-impl" },
    );
    expect(client.peerSetup.moqtImplementation).toBe("server-impl");
    expect(server.peerSetup.moqtImplementation).toBe("client-impl");
    // The control stream is sent before everything else.
    expect(clientTransport.sendOrders[0]).toBe(Number.MAX_SAFE_INTEGER);
    client.close();
  });

  it("closes with CONTROL_MESSAGE_TIMEOUT when the peer sends no SETUP", async () => {
    const [clientTransport, serverTransport] = createFakeTransportPair();
    const start = MoqtSession.start(clientTransport, { setupTimeoutMs: 50 });
    await expect(within(start)).rejects.toMatchObject({ code: MoqtErrorCode.ControlMessageTimeout });
    expect(await within(serverTransport.closed)).toMatchObject({ closeCode: MoqtErrorCode.ControlMessageTimeout });
  });

  it("closes with INVALID_PATH when the peer sends PATH over WebTransport", async () => {
    const [clientTransport, serverTransport] = createFakeTransportPair();
    const start = MoqtSession.start(clientTransport);
    await serverTransport.sendRawUnidirectional(encodeControlMessage({ ...SETUP, path: "/moq" }), false);
    await expect(within(start)).rejects.toBeInstanceOf(MoqtSessionClosedError);
    expect(await within(serverTransport.closed)).toMatchObject({ closeCode: MoqtErrorCode.InvalidPath });
  });

  it("closes with PROTOCOL_VIOLATION when the control stream does not start with SETUP", async () => {
    const [clientTransport, serverTransport] = createFakeTransportPair();
    const start = MoqtSession.start(clientTransport);
    const bytes = encodeControlMessage({ ...SETUP });
    await serverTransport.sendRawUnidirectional(bytes, false);
    // A second control stream is a protocol violation too.
    await serverTransport.sendRawUnidirectional(bytes, false);
    await start.catch(() => {});
    expect(await within(serverTransport.closed)).toMatchObject({ closeCode: MoqtErrorCode.ProtocolViolation });
  });

  it("closes when the peer ends its control stream", async () => {
    const [clientTransport, serverTransport] = createFakeTransportPair();
    const start = MoqtSession.start(clientTransport);
    await serverTransport.sendRawUnidirectional(encodeControlMessage({ ...SETUP }), true);
    await start.catch(() => {});
    expect(await within(serverTransport.closed)).toMatchObject({ closeCode: MoqtErrorCode.ProtocolViolation });
  });
});

describe("MoqtSession close and GOAWAY", () => {
  it("closes with a code and reason the peer sees; later calls fail", async () => {
    const { client, server } = await startSessionPair();
    client.close(0x2, "bye");
    expect(await within(server.closed)).toEqual({ code: 0x2, reason: "bye" });
    expect(await within(client.closed)).toEqual({ code: 0x2, reason: "bye" });
    await expect(client.subscribe(["a"], "b")).rejects.toBeInstanceOf(MoqtSessionClosedError);
  });

  it("fails a pending request when the session closes", async () => {
    const { client, server } = await startSessionPair({}, { acceptPublishNamespace: false });
    // The server never answers a SUBSCRIBE for a namespace the client does not serve? It does (DOES_NOT_EXIST), so close first.
    const pending = client.subscribeNamespace(["x"]);
    server.close(0x1, "internal");
    await expect(within(pending)).rejects.toBeInstanceOf(MoqtSessionClosedError);
  });

  it("delivers GOAWAY and rejects a second one", async () => {
    const { client, server } = await startSessionPair();
    await server.sendGoAway("https://other.example/moq", 5000n);
    expect(await within(client.goAway)).toEqual({ newSessionUri: "https://other.example/moq", timeoutMs: 5000n });
    await server.sendGoAway();
    expect(await within(client.closed)).toMatchObject({ code: MoqtErrorCode.ProtocolViolation });
  });

  it("sends an empty New Session URI from a client", async () => {
    const { client, server } = await startSessionPair();
    await client.sendGoAway("https://ignored.example");
    expect((await within(server.goAway)).newSessionUri).toBe("");
    client.close();
  });
});
