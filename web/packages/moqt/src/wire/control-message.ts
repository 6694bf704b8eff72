import { ByteReader } from "./byte-reader.ts";
import { ByteWriter } from "./byte-writer.ts";
import { type Fetch, readFetchBody, writeFetchBody } from "./control/fetch.ts";
import { type FetchOk, readFetchOkBody, writeFetchOkBody } from "./control/fetch-ok.ts";
import { type GoAway, readGoAwayBody, writeGoAwayBody } from "./control/goaway.ts";
import { type Namespace, readNamespaceBody, writeNamespaceBody } from "./control/namespace.ts";
import { type NamespaceDone, readNamespaceDoneBody, writeNamespaceDoneBody } from "./control/namespace-done.ts";
import { type Publish, readPublishBody, writePublishBody } from "./control/publish.ts";
import { type PublishDone, readPublishDoneBody, writePublishDoneBody } from "./control/publish-done.ts";
import { type PublishNamespace, readPublishNamespaceBody, writePublishNamespaceBody } from "./control/publish-namespace.ts";
import { type PublishSkipped, readPublishSkippedBody, writePublishSkippedBody } from "./control/publish-skipped.ts";
import { type RequestError, readRequestErrorBody, writeRequestErrorBody } from "./control/request-error.ts";
import { type RequestOk, readRequestOkBody, writeRequestOkBody } from "./control/request-ok.ts";
import { type RequestUpdate, readRequestUpdateBody, writeRequestUpdateBody } from "./control/request-update.ts";
import { readSetupBody, type Setup, writeSetupBody } from "./control/setup.ts";
import { readSubscribeBody, type Subscribe, writeSubscribeBody } from "./control/subscribe.ts";
import { readSubscribeNamespaceBody, type SubscribeNamespace, writeSubscribeNamespaceBody } from "./control/subscribe-namespace.ts";
import { readSubscribeOkBody, type SubscribeOk, writeSubscribeOkBody } from "./control/subscribe-ok.ts";
import { readSubscribeTracksBody, type SubscribeTracks, writeSubscribeTracksBody } from "./control/subscribe-tracks.ts";
import { readTrackStatusBody, type TrackStatus, writeTrackStatusBody } from "./control/track-status.ts";
import { MoqtErrorCode } from "./error-code.ts";
import { WireLimits } from "./limits.ts";
import { isKnownMessageType, MoqtMessageType } from "./message-type.ts";
import { catchNeedMore, type NeedMore } from "./need-more.ts";
import { protocolViolation } from "./protocol-error.ts";

/** Every draft-19 control message, discriminated by `type`. */
export type ControlMessage =
  | Setup
  | GoAway
  | Subscribe
  | SubscribeOk
  | Publish
  | PublishDone
  | Fetch
  | FetchOk
  | TrackStatus
  | PublishNamespace
  | SubscribeNamespace
  | SubscribeTracks
  | Namespace
  | NamespaceDone
  | PublishSkipped
  | RequestUpdate
  | RequestOk
  | RequestError;

function writeBody(w: ByteWriter, m: ControlMessage): void {
  switch (m.type) {
    case MoqtMessageType.Setup:
      writeSetupBody(w, m);
      return;
    case MoqtMessageType.GoAway:
      writeGoAwayBody(w, m);
      return;
    case MoqtMessageType.Subscribe:
      writeSubscribeBody(w, m);
      return;
    case MoqtMessageType.SubscribeOk:
      writeSubscribeOkBody(w, m);
      return;
    case MoqtMessageType.Publish:
      writePublishBody(w, m);
      return;
    case MoqtMessageType.PublishDone:
      writePublishDoneBody(w, m);
      return;
    case MoqtMessageType.Fetch:
      writeFetchBody(w, m);
      return;
    case MoqtMessageType.FetchOk:
      writeFetchOkBody(w, m);
      return;
    case MoqtMessageType.TrackStatus:
      writeTrackStatusBody(w, m);
      return;
    case MoqtMessageType.PublishNamespace:
      writePublishNamespaceBody(w, m);
      return;
    case MoqtMessageType.SubscribeNamespace:
      writeSubscribeNamespaceBody(w, m);
      return;
    case MoqtMessageType.SubscribeTracks:
      writeSubscribeTracksBody(w, m);
      return;
    case MoqtMessageType.Namespace:
      writeNamespaceBody(w, m);
      return;
    case MoqtMessageType.NamespaceDone:
      writeNamespaceDoneBody(w, m);
      return;
    case MoqtMessageType.PublishSkipped:
      writePublishSkippedBody(w, m);
      return;
    case MoqtMessageType.RequestUpdate:
      writeRequestUpdateBody(w, m);
      return;
    case MoqtMessageType.RequestOk:
      writeRequestOkBody(w, m);
      return;
    case MoqtMessageType.RequestError:
      writeRequestErrorBody(w, m);
      return;
  }
}

/** Writes Type (vi64), Length (16) and Body (draft-19 "Control Messages"). */
export function writeControlMessage(writer: ByteWriter, message: ControlMessage): void {
  writer.writeVi64(message.type);
  const lengthAt = writer.length;
  writer.writeU16(0);
  writeBody(writer, message);
  const bodyLength = writer.length - lengthAt - 2;
  if (bodyLength > WireLimits.maxControlMessageBodyLength) {
    throw new RangeError(`control message body is ${bodyLength} bytes; at most 65535`);
  }
  writer.patchU16(lengthAt, bodyLength);
}

export function encodeControlMessage(message: ControlMessage): Uint8Array {
  const writer = new ByteWriter();
  writeControlMessage(writer, message);
  return writer.finish();
}

/** Decodes one message body of the given type; the body must be consumed exactly. */
export function decodeControlMessageBody(type: bigint, body: Uint8Array): ControlMessage {
  const r = new ByteReader(body, MoqtErrorCode.ProtocolViolation);
  let message: ControlMessage;
  switch (type) {
    case 0x2f00n:
      message = readSetupBody(r);
      break;
    case 0x10n:
      message = readGoAwayBody(r);
      break;
    case 0x3n:
      message = readSubscribeBody(r);
      break;
    case 0x4n:
      message = readSubscribeOkBody(r);
      break;
    case 0x1dn:
      message = readPublishBody(r);
      break;
    case 0xbn:
      message = readPublishDoneBody(r);
      break;
    case 0x16n:
      message = readFetchBody(r);
      break;
    case 0x18n:
      message = readFetchOkBody(r);
      break;
    case 0xdn:
      message = readTrackStatusBody(r);
      break;
    case 0x6n:
      message = readPublishNamespaceBody(r);
      break;
    case 0x50n:
      message = readSubscribeNamespaceBody(r);
      break;
    case 0x51n:
      message = readSubscribeTracksBody(r);
      break;
    case 0x8n:
      message = readNamespaceBody(r);
      break;
    case 0xen:
      message = readNamespaceDoneBody(r);
      break;
    case 0xfn:
      message = readPublishSkippedBody(r);
      break;
    case 0x2n:
      message = readRequestUpdateBody(r);
      break;
    case 0x7n:
      message = readRequestOkBody(r);
      break;
    case 0x5n:
      message = readRequestErrorBody(r);
      break;
    default:
      protocolViolation(`unknown control message type 0x${type.toString(16)}`);
  }
  r.expectEnd(`control message 0x${type.toString(16)}`);
  return message;
}

/**
 * Reads one control message from the start of `bytes`. Returns NEED_MORE if the message is incomplete;
 * throws MoqtProtocolError if it is malformed. An unknown type is rejected as soon as the header is complete.
 */
export function tryReadControlMessage(bytes: Uint8Array): { message: ControlMessage; bytesRead: number } | NeedMore {
  return catchNeedMore(() => {
    const r = new ByteReader(bytes, "need-more");
    const type = r.readVi64();
    const length = r.readU16();
    if (!isKnownMessageType(type)) protocolViolation(`unknown control message type 0x${type.toString(16)}`);
    const body = r.readBytes(length);
    return { message: decodeControlMessageBody(type, body), bytesRead: r.position };
  });
}

/** Decodes exactly one complete control message; trailing or missing bytes are a protocol violation. */
export function decodeControlMessage(bytes: Uint8Array): ControlMessage {
  const result = tryReadControlMessage(bytes);
  if (typeof result === "symbol") protocolViolation("truncated control message");
  if (result.bytesRead !== bytes.length) protocolViolation("trailing bytes after the control message");
  return result.message;
}
