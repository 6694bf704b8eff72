import { ByteReader } from "./byte-reader.ts";
import type { ByteWriter } from "./byte-writer.ts";
import { MoqtErrorCode } from "./error-code.ts";
import { MoqtProtocolError } from "./protocol-error.ts";

/** Token Alias Type (draft-19 "AUTHORIZATION TOKEN Parameter"). */
export const AuthTokenAliasType = {
  Delete: 0x0,
  Register: 0x1,
  UseAlias: 0x2,
  UseValue: 0x3,
} as const;
export type AuthTokenAliasType = (typeof AuthTokenAliasType)[keyof typeof AuthTokenAliasType];

/** AUTHORIZATION TOKEN Token structure (draft-19 "AUTHORIZATION TOKEN Parameter"). `alias` is null for USE_VALUE; `tokenType`/`value` only for REGISTER and USE_VALUE. */
export interface AuthorizationToken {
  readonly aliasType: AuthTokenAliasType;
  readonly alias: bigint | null;
  readonly tokenType: bigint | null;
  readonly value: Uint8Array;
}

export function writeAuthorizationToken(writer: ByteWriter, token: AuthorizationToken): void {
  const needsAlias = token.aliasType !== AuthTokenAliasType.UseValue;
  const needsValue = token.aliasType === AuthTokenAliasType.Register || token.aliasType === AuthTokenAliasType.UseValue;
  if (needsAlias !== (token.alias !== null) || needsValue !== (token.tokenType !== null)) {
    throw new RangeError(`token fields do not match Token Alias Type ${token.aliasType}`);
  }
  writer.writeVi64(token.aliasType);
  if (token.alias !== null) writer.writeVi64(token.alias);
  if (token.tokenType !== null) {
    writer.writeVi64(token.tokenType);
    writer.writeBytes(token.value);
  }
}

const EMPTY = new Uint8Array(0);

/** Parses a whole token value; malformed tokens are KEY_VALUE_FORMATTING_ERROR. */
export function parseAuthorizationToken(bytes: Uint8Array): AuthorizationToken {
  const reader = new ByteReader(bytes, MoqtErrorCode.KeyValueFormattingError);
  const aliasType = reader.readVi64();
  let token: AuthorizationToken;
  switch (aliasType) {
    case 0n:
    case 2n:
      token = { aliasType: Number(aliasType) as AuthTokenAliasType, alias: reader.readVi64(), tokenType: null, value: EMPTY };
      break;
    case 1n: {
      const alias = reader.readVi64();
      const tokenType = reader.readVi64();
      token = { aliasType: AuthTokenAliasType.Register, alias, tokenType, value: reader.readRest() };
      break;
    }
    case 3n: {
      const tokenType = reader.readVi64();
      token = { aliasType: AuthTokenAliasType.UseValue, alias: null, tokenType, value: reader.readRest() };
      break;
    }
    default:
      throw new MoqtProtocolError(MoqtErrorCode.KeyValueFormattingError, `unknown Token Alias Type ${aliasType}`);
  }
  if (!reader.atEnd) throw new MoqtProtocolError(MoqtErrorCode.KeyValueFormattingError, "trailing bytes after the Token Alias");
  return token;
}
