import { type AuthorizationToken, parseAuthorizationToken, writeAuthorizationToken } from "../authorization-token.ts";
import { type ByteReader, decodeUtf8, decodeUtf8Strict } from "../byte-reader.ts";
import { ByteWriter, encodeUtf8 } from "../byte-writer.ts";
import { MoqtErrorCode } from "../error-code.ts";
import { bytesPair, intPair, type KeyValuePair, readKeyValuePairsToEnd, writeKeyValuePairs } from "../key-value-pair.ts";
import { MoqtMessageType } from "../message-type.ts";
import { protocolViolation } from "../protocol-error.ts";

/** Setup Option types (draft-19 "Setup Options"). */
export const SetupOptionType = {
  Path: 0x01n,
  AuthorizationToken: 0x03n,
  MaxAuthTokenCacheSize: 0x04n,
  Authority: 0x05n,
  MaxFilterRanges: 0x06n,
  MoqtImplementation: 0x07n,
  MaxRequestUpdates: 0x08n,
} as const;

/** SETUP (0x2F00), draft-19 "SETUP": a sequence of Setup Options (Key-Value-Pairs) filling the message. */
export interface Setup {
  readonly type: typeof MoqtMessageType.Setup;
  readonly path: string | null;
  readonly authority: string | null;
  readonly authorizationTokens: readonly AuthorizationToken[];
  readonly maxAuthTokenCacheSize: bigint | null;
  readonly maxFilterRanges: bigint | null;
  readonly moqtImplementation: string | null;
  readonly maxRequestUpdates: bigint | null;
  /** Options this codec does not know (e.g. GREASE), kept in order. */
  readonly unknownOptions: readonly KeyValuePair[];
}

function toOptions(m: Setup): KeyValuePair[] {
  const options: KeyValuePair[] = [];
  if (m.path !== null) options.push(bytesPair(SetupOptionType.Path, encodeUtf8(m.path)));
  for (const token of m.authorizationTokens) {
    const w = new ByteWriter();
    writeAuthorizationToken(w, token);
    options.push(bytesPair(SetupOptionType.AuthorizationToken, w.finish()));
  }
  if (m.maxAuthTokenCacheSize !== null) options.push(intPair(SetupOptionType.MaxAuthTokenCacheSize, m.maxAuthTokenCacheSize));
  if (m.authority !== null) options.push(bytesPair(SetupOptionType.Authority, encodeUtf8(m.authority)));
  if (m.maxFilterRanges !== null) options.push(intPair(SetupOptionType.MaxFilterRanges, m.maxFilterRanges));
  if (m.moqtImplementation !== null) options.push(bytesPair(SetupOptionType.MoqtImplementation, encodeUtf8(m.moqtImplementation)));
  if (m.maxRequestUpdates !== null) options.push(intPair(SetupOptionType.MaxRequestUpdates, m.maxRequestUpdates));
  options.push(...m.unknownOptions);
  // Types are delta-encoded: ascending order (stable, so repeated types keep their order).
  return options.sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}

export function writeSetupBody(writer: ByteWriter, m: Setup): void {
  writeKeyValuePairs(writer, toOptions(m));
}

export function readSetupBody(reader: ByteReader): Setup {
  let path: string | null = null;
  let authority: string | null = null;
  let implementation: string | null = null;
  let cache: bigint | null = null;
  let ranges: bigint | null = null;
  let updates: bigint | null = null;
  const tokens: AuthorizationToken[] = [];
  const unknown: KeyValuePair[] = [];
  const seen = new Set<bigint>();
  const known = new Set<bigint>(Object.values(SetupOptionType));
  for (const option of readKeyValuePairsToEnd(reader)) {
    if (known.has(option.type) && option.type !== SetupOptionType.AuthorizationToken) {
      if (seen.has(option.type)) protocolViolation(`duplicate Setup Option 0x${option.type.toString(16)}`);
      seen.add(option.type);
    }
    switch (option.type) {
      case SetupOptionType.Path:
        path = decodeUtf8Strict(option.bytes, MoqtErrorCode.MalformedPath, "PATH");
        break;
      case SetupOptionType.Authority:
        authority = decodeUtf8Strict(option.bytes, MoqtErrorCode.MalformedAuthority, "AUTHORITY");
        break;
      case SetupOptionType.AuthorizationToken:
        tokens.push(parseAuthorizationToken(option.bytes));
        break;
      case SetupOptionType.MaxAuthTokenCacheSize:
        cache = option.value;
        break;
      case SetupOptionType.MaxFilterRanges:
        ranges = option.value;
        break;
      case SetupOptionType.MoqtImplementation:
        implementation = decodeUtf8(option.bytes);
        break;
      case SetupOptionType.MaxRequestUpdates:
        updates = option.value;
        break;
      default:
        unknown.push(option);
    }
  }
  return {
    type: MoqtMessageType.Setup,
    path,
    authority,
    authorizationTokens: tokens,
    maxAuthTokenCacheSize: cache,
    maxFilterRanges: ranges,
    moqtImplementation: implementation,
    maxRequestUpdates: updates,
    unknownOptions: unknown,
  };
}
