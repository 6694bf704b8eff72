import { expect } from "vitest";
import type { MoqtErrorCode } from "../wire/error-code.ts";
import { MoqtProtocolError } from "../wire/protocol-error.ts";

/** Asserts that `fn` throws a MoqtProtocolError carrying `code`. */
export function expectProtocolError(fn: () => unknown, code: MoqtErrorCode): MoqtProtocolError {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(MoqtProtocolError);
  const error = thrown as MoqtProtocolError;
  expect(error.code, error.message).toBe(code);
  return error;
}
