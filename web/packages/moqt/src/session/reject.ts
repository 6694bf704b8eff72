import { MoqtMessageType } from "../wire/message-type.ts";
import type { RequestStream } from "./request-stream.ts";

/** REQUEST_ERROR and FIN (draft-19 "Request Cancellation and Rejection"); retry 0 = do not retry. */
export async function rejectRequest(stream: RequestStream, code: number, reason: string): Promise<void> {
  await stream.write(
    { type: MoqtMessageType.RequestError, errorCode: BigInt(code), retryInterval: 0n, errorReason: reason.slice(0, 256), redirect: null },
    true,
  );
}
