/**
 * Stream errors as the W3C API models them: a reset or STOP_SENDING surfaces as a `WebTransportError` with
 * `source: "stream"` and `streamErrorCode`; passing one to `abort()` / `cancel()` sets the code sent.
 */
interface StreamErrorInit {
  message?: string;
  streamErrorCode?: number;
}

type WebTransportErrorConstructor = new (first?: string | StreamErrorInit, init?: StreamErrorInit) => Error;

/** An error that carries `code` as RESET_STREAM / STOP_SENDING application error code. */
export function streamError(code: number, message = "stream cancelled"): Error {
  const ctor = (globalThis as { WebTransportError?: WebTransportErrorConstructor }).WebTransportError;
  if (ctor !== undefined) {
    try {
      // Chromium: WebTransportError(WebTransportErrorInit { streamErrorCode, message }).
      return new ctor({ streamErrorCode: code, message });
    } catch {
      try {
        // The W3C draft: WebTransportError(message, { streamErrorCode }).
        return new ctor(message, { streamErrorCode: code });
      } catch {
        // Fall through to a plain error: the stream is then reset with code 0.
      }
    }
  }
  return Object.assign(new Error(message), { name: "WebTransportError", source: "stream", streamErrorCode: code });
}

/** The application error code of a stream reset / STOP_SENDING error, or null for other errors. */
export function streamErrorCode(error: unknown): number | null {
  if (typeof error !== "object" || error === null) return null;
  const e = error as { source?: unknown; streamErrorCode?: unknown };
  return typeof e.streamErrorCode === "number" ? e.streamErrorCode : null;
}

/**
 * True for an error that ends one stream, not the session: a reset or STOP_SENDING with a code, or one Chromium reports
 * without a usable code (a `WebTransportError` with `source: "stream"`, or a `NetworkError` "The stream was aborted by
 * the remote server" when the peer's code is outside the WebTransport range). Such an error cancels that stream's
 * request or subgroup only; a closed session is noticed on its own (`closed`).
 */
export function isStreamFailure(error: unknown): boolean {
  if (streamErrorCode(error) !== null) return true;
  if (typeof error !== "object" || error === null) return false;
  const e = error as { source?: unknown; name?: unknown };
  return e.source === "stream" || e.name === "NetworkError";
}
