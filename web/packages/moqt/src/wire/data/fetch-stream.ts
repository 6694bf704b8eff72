import { ByteReader } from "../byte-reader.ts";
import { ByteWriter } from "../byte-writer.ts";
import { MoqtErrorCode } from "../error-code.ts";
import type { GroupOrder } from "../group-order.ts";
import { type FetchHeader, readFetchHeader, writeFetchHeader } from "./fetch-header.ts";
import { type FetchObject, readFetchObject, writeFetchObject } from "./fetch-object.ts";
import { createFetchStreamState } from "./fetch-stream-state.ts";

/** A complete FETCH stream (up to FIN). `groupOrder` comes from the FETCH request. */
export interface FetchStream {
  readonly header: FetchHeader;
  readonly groupOrder: GroupOrder;
  readonly entries: readonly FetchObject[];
}

export function encodeFetchStream(stream: FetchStream): Uint8Array {
  const writer = new ByteWriter();
  writeFetchHeader(writer, stream.header);
  const state = createFetchStreamState(stream.groupOrder);
  for (const entry of stream.entries) writeFetchObject(writer, state, entry);
  return writer.finish();
}

/** Decodes a whole FETCH stream; ending inside an entry is a PROTOCOL_VIOLATION. */
export function decodeFetchStream(bytes: Uint8Array, groupOrder: GroupOrder): FetchStream {
  const reader = new ByteReader(bytes, MoqtErrorCode.ProtocolViolation);
  const header = readFetchHeader(reader);
  const state = createFetchStreamState(groupOrder);
  const entries: FetchObject[] = [];
  while (!reader.atEnd) entries.push(readFetchObject(reader, state));
  return { header, groupOrder, entries };
}
