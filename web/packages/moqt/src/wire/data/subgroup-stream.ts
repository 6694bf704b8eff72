import { ByteReader } from "../byte-reader.ts";
import { ByteWriter } from "../byte-writer.ts";
import { MoqtErrorCode } from "../error-code.ts";
import { readSubgroupHeader, type SubgroupHeader, writeSubgroupHeader } from "./subgroup-header.ts";
import { readSubgroupObject, type SubgroupObject, writeSubgroupObject } from "./subgroup-object.ts";

/** A complete subgroup stream (up to FIN): header then objects. */
export interface SubgroupStream {
  readonly header: SubgroupHeader;
  readonly objects: readonly SubgroupObject[];
}

export function encodeSubgroupStream(stream: SubgroupStream): Uint8Array {
  const writer = new ByteWriter();
  writeSubgroupHeader(writer, stream.header);
  let previous: bigint | null = null;
  for (const object of stream.objects) {
    writeSubgroupObject(writer, stream.header, previous, object);
    previous = object.header.objectId;
  }
  return writer.finish();
}

/** Decodes a whole stream (FIN received): a stream that ends inside a field is a PROTOCOL_VIOLATION. */
export function decodeSubgroupStream(bytes: Uint8Array): SubgroupStream {
  const reader = new ByteReader(bytes, MoqtErrorCode.ProtocolViolation);
  const header = readSubgroupHeader(reader);
  const objects: SubgroupObject[] = [];
  let previous: bigint | null = null;
  while (!reader.atEnd) {
    const object = readSubgroupObject(reader, header, previous);
    objects.push(object);
    previous = object.header.objectId;
  }
  return { header, objects };
}
