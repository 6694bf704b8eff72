import { type ByteReader, decodeUtf8 } from "../byte-reader.ts";
import { type ByteWriter, encodeUtf8 } from "../byte-writer.ts";
import { WireLimits } from "../limits.ts";
import { MoqtMessageType } from "../message-type.ts";
import { writeReasonPhrase } from "../reason-phrase.ts";
import { readTrackName, readTrackNamespace, type TrackNamespace, writeTrackName, writeTrackNamespace } from "../track-namespace.ts";

/** REQUEST_ERROR code that carries a Redirect structure. */
export const REQUEST_ERROR_REDIRECT = 0x34n;

/** Redirect structure (draft-19 "Redirect Structure"). */
export interface Redirect {
  readonly connectUri: string;
  readonly trackNamespace: TrackNamespace;
  readonly trackName: Uint8Array;
}

/** REQUEST_ERROR (0x5). `redirect` is present exactly when errorCode is REDIRECT (0x34). */
export interface RequestError {
  readonly type: typeof MoqtMessageType.RequestError;
  readonly errorCode: bigint;
  readonly retryInterval: bigint;
  readonly errorReason: string;
  readonly redirect: Redirect | null;
}

export function writeRequestErrorBody(writer: ByteWriter, m: RequestError): void {
  if ((m.errorCode === REQUEST_ERROR_REDIRECT) !== (m.redirect !== null)) {
    throw new RangeError("REQUEST_ERROR carries a Redirect exactly when the code is REDIRECT");
  }
  writer.writeVi64(m.errorCode);
  writer.writeVi64(m.retryInterval);
  writeReasonPhrase(writer, m.errorReason);
  if (m.redirect !== null) {
    writer.writeLengthPrefixed(encodeUtf8(m.redirect.connectUri));
    writeTrackNamespace(writer, m.redirect.trackNamespace);
    writeTrackName(writer, m.redirect.trackNamespace, m.redirect.trackName);
  }
}

export function readRequestErrorBody(reader: ByteReader): RequestError {
  const errorCode = reader.readVi64();
  const retryInterval = reader.readVi64();
  const errorReason = reader.readReasonPhrase();
  let redirect: Redirect | null = null;
  if (errorCode === REQUEST_ERROR_REDIRECT) {
    const connectUri = decodeUtf8(reader.readLengthPrefixed(WireLimits.maxControlMessageBodyLength, "Connect URI"));
    const trackNamespace = readTrackNamespace(reader);
    const trackName = readTrackName(reader, trackNamespace);
    redirect = { connectUri, trackNamespace, trackName };
  }
  return { type: MoqtMessageType.RequestError, errorCode, retryInterval, errorReason, redirect };
}
