import { ByteReader } from "../byte-reader.ts";
import type { ByteWriter } from "../byte-writer.ts";
import { catchNeedMore, type NeedMore } from "../need-more.ts";
import { protocolViolation } from "../protocol-error.ts";
import { StreamType } from "./stream-type.ts";

/** FETCH_HEADER (draft-19 "Fetch Header"): Type 0x5, Request ID. */
export interface FetchHeader {
  readonly requestId: bigint;
}

export function writeFetchHeader(writer: ByteWriter, h: FetchHeader): void {
  writer.writeVi64(StreamType.FetchHeader);
  writer.writeVi64(h.requestId);
}

export function readFetchHeader(reader: ByteReader): FetchHeader {
  const type = reader.readVi64();
  if (type !== StreamType.FetchHeader) protocolViolation(`stream type 0x${type.toString(16)} is not FETCH_HEADER`);
  return { requestId: reader.readVi64() };
}

export function tryReadFetchHeader(bytes: Uint8Array): { header: FetchHeader; bytesRead: number } | NeedMore {
  return catchNeedMore(() => {
    const reader = new ByteReader(bytes, "need-more");
    const header = readFetchHeader(reader);
    return { header, bytesRead: reader.position };
  });
}
