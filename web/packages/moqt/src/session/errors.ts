/** A request the peer refused (REQUEST_ERROR) or ended before answering. The session goes on. */
export class MoqtRequestError extends Error {
  /** REQUEST_ERROR Error Code (RequestErrorCode). */
  readonly code: bigint;
  readonly reason: string;
  /** Retry Interval in ms, or null when the request should not be retried as is. */
  readonly retryAfterMs: bigint | null;

  constructor(code: bigint, reason: string, retryAfterMs: bigint | null = null) {
    super(`request failed (0x${code.toString(16)}): ${reason}`);
    this.name = "MoqtRequestError";
    this.code = code;
    this.reason = reason;
    this.retryAfterMs = retryAfterMs;
  }
}

/** The session is closed: every pending and later call fails with the close code and reason. */
export class MoqtSessionClosedError extends Error {
  readonly code: number;
  readonly reason: string;

  constructor(code: number, reason: string) {
    super(`MOQT session closed (0x${code.toString(16)}): ${reason}`);
    this.name = "MoqtSessionClosedError";
    this.code = code;
    this.reason = reason;
  }
}
