import { describe, expect, it } from "vitest";
import { startSessionPair, within } from "../test-support/session-pair.ts";
import { encodeUtf8 } from "../wire/byte-writer.ts";
import { encodeControlMessage } from "../wire/control-message.ts";
import { MoqtErrorCode } from "../wire/error-code.ts";
import { messageParameters } from "../wire/message-parameters.ts";
import { MoqtMessageType } from "../wire/message-type.ts";

function subscribeBytes(requestId: bigint): Uint8Array {
  return encodeControlMessage({
    type: MoqtMessageType.Subscribe,
    requestId,
    trackNamespace: [encodeUtf8("a")],
    trackName: encodeUtf8("b"),
    parameters: messageParameters(),
  });
}

async function sendOnRequestStream(
  transport: { createBidirectionalStream(): Promise<{ writable: WritableStream<Uint8Array> }> },
  bytes: Uint8Array,
) {
  const stream = await transport.createBidirectionalStream();
  const writer = stream.writable.getWriter();
  await writer.write(bytes);
}

describe("protocol errors close the session with draft-19 codes", () => {
  it("an unknown unidirectional stream type: PROTOCOL_VIOLATION", async () => {
    const { client, serverTransport } = await startSessionPair();
    await serverTransport.sendRawUnidirectional(new Uint8Array([0x3f]));
    expect(await within(client.closed)).toMatchObject({ code: MoqtErrorCode.ProtocolViolation });
  });

  it("a request stream that starts with a response message: PROTOCOL_VIOLATION", async () => {
    const { client, serverTransport } = await startSessionPair();
    await sendOnRequestStream(
      serverTransport,
      encodeControlMessage({ type: MoqtMessageType.RequestOk, parameters: messageParameters(), trackProperties: [] }),
    );
    expect(await within(client.closed)).toMatchObject({ code: MoqtErrorCode.ProtocolViolation });
  });

  it("a Request ID with the client's parity from the server: INVALID_REQUEST_ID", async () => {
    const { client, serverTransport } = await startSessionPair();
    await sendOnRequestStream(serverTransport, subscribeBytes(2n));
    expect(await within(client.closed)).toMatchObject({ code: MoqtErrorCode.InvalidRequestId });
  });

  it("a reused Request ID: INVALID_REQUEST_ID", async () => {
    const { client, serverTransport } = await startSessionPair();
    await sendOnRequestStream(serverTransport, subscribeBytes(1n));
    await sendOnRequestStream(serverTransport, subscribeBytes(1n));
    expect(await within(client.closed)).toMatchObject({ code: MoqtErrorCode.InvalidRequestId });
  });

  it("a malformed subgroup stream: PROTOCOL_VIOLATION", async () => {
    const { client, serverTransport } = await startSessionPair();
    // SUBGROUP_HEADER with SUBGROUP_ID_MODE 0b11 (0x16) is invalid.
    await serverTransport.sendRawUnidirectional(new Uint8Array([0x16, 0x00, 0x00]));
    expect(await within(client.closed)).toMatchObject({ code: MoqtErrorCode.ProtocolViolation });
  });

  it("a malformed control message on the control stream: the session closes with its code", async () => {
    const { client, serverTransport } = await startSessionPair();
    // The server's control stream is already open; a raw second SETUP stream is a PROTOCOL_VIOLATION too.
    await serverTransport.sendRawUnidirectional(new Uint8Array([0xc0, 0x2f, 0x00, 0x00, 0x01, 0x05]));
    expect(await within(client.closed)).toMatchObject({ code: MoqtErrorCode.ProtocolViolation });
  });
});
