/**
 * Stream errors as the W3C API models them: a reset or STOP_SENDING surfaces as a `WebTransportError` with
 * `source: "stream"` and `streamErrorCode`; passing one to `abort()` / `cancel()` sets the code sent.
 */
interface StreamErrorInit {
  message?: string;
  streamErrorCode?: number;
}

type WebTransportErrorConstructor = new (message?: string, init?: StreamErrorInit) => Error;

/** An error that carries `code` as RESET_STREAM / STOP_SENDING application error code. */
export function streamError(code: number, message = "stream cancelled"): Error {
  const ctor = (globalThis as { WebTransportError?: WebTransportErrorConstructor }).WebTransportError;
  if (ctor !== undefined) return new ctor(message, { streamErrorCode: code });
  return Object.assign(new Error(message), { name: "WebTransportError", source: "stream", streamErrorCode: code });
}

/** The application error code of a stream reset / STOP_SENDING error, or null for other errors. */
export function streamErrorCode(error: unknown): number | null {
  if (typeof error !== "object" || error === null) return null;
  const e = error as { source?: unknown; streamErrorCode?: unknown };
  return typeof e.streamErrorCode === "number" ? e.streamErrorCode : null;
}
