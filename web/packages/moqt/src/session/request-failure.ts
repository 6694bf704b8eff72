import type { RequestError } from "../wire/control/request-error.ts";
import { MoqtRequestError } from "./errors.ts";
import { RequestErrorCode } from "./request-error-code.ts";

/** REQUEST_ERROR as an exception; Retry Interval on the wire is ms + 1, 0 meaning "do not retry" (draft-19 "REQUEST_ERROR"). */
export function requestErrorFrom(message: RequestError): MoqtRequestError {
  return new MoqtRequestError(message.errorCode, message.errorReason, message.retryInterval === 0n ? null : message.retryInterval - 1n);
}

/** The request stream ended before its response: the request failed (draft-19 "Graceful Request Stream Closure"). */
export function endedWithoutResponse(request: string): MoqtRequestError {
  return new MoqtRequestError(BigInt(RequestErrorCode.InternalError), `the peer ended the ${request} request without a response`);
}
