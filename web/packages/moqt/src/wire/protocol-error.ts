import { MoqtErrorCode } from "./error-code.ts";

/** A malformed or forbidden input: the session must close with `code`. */
export class MoqtProtocolError extends Error {
  readonly code: MoqtErrorCode;
  readonly reason: string;

  constructor(code: MoqtErrorCode, reason: string) {
    super(`MOQT error 0x${code.toString(16)}: ${reason}`);
    this.name = "MoqtProtocolError";
    this.code = code;
    this.reason = reason;
  }
}

export function protocolViolation(reason: string): never {
  throw new MoqtProtocolError(MoqtErrorCode.ProtocolViolation, reason);
}
