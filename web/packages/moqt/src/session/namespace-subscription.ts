import { MoqtMessageType } from "../wire/message-type.ts";
import { protocolViolation } from "../wire/protocol-error.ts";
import { AsyncQueue } from "./async-queue.ts";
import { decodeNamespace, namespaceKey } from "./names.ts";
import type { RequestStream } from "./request-stream.ts";
import { isStreamFailure } from "./stream-error.ts";

/** NAMESPACE (`active` true) or NAMESPACE_DONE (false) for a full namespace under the subscribed prefix. */
export interface NamespaceEvent {
  readonly active: boolean;
  readonly namespace: readonly string[];
}

const MAX_EVENTS = 1024;

/**
 * SUBSCRIBE_NAMESPACE (draft-19 "Subscribing to Namespaces"): the peer reports each published namespace under
 * `prefix` with NAMESPACE and its end with NAMESPACE_DONE. When the request ends, every active namespace is
 * reported withdrawn.
 */
export class NamespaceSubscription {
  readonly prefix: readonly string[];
  readonly #stream: RequestStream;
  readonly #queue = new AsyncQueue<NamespaceEvent>(MAX_EVENTS);
  readonly #active = new Map<string, readonly string[]>();

  constructor(prefix: readonly string[], stream: RequestStream) {
    this.prefix = prefix;
    this.#stream = stream;
  }

  get events(): AsyncIterable<NamespaceEvent> {
    return this.#queue;
  }

  nextEvent(): Promise<NamespaceEvent | undefined> {
    return this.#queue.next();
  }

  /** Namespaces published right now. */
  get active(): (readonly string[])[] {
    return [...this.#active.values()];
  }

  cancel(): void {
    this.#stream.cancel();
    this.#withdrawAll();
  }

  /** @internal */
  async run(): Promise<void> {
    try {
      for (;;) {
        const message = await this.#stream.read();
        if (message === undefined) break;
        switch (message.type) {
          case MoqtMessageType.Namespace: {
            const ns = [...this.prefix, ...decodeNamespace(message.trackNamespaceSuffix)];
            this.#active.set(namespaceKey(ns), ns);
            this.#queue.push({ active: true, namespace: ns });
            break;
          }
          case MoqtMessageType.NamespaceDone: {
            const ns = [...this.prefix, ...decodeNamespace(message.trackNamespaceSuffix)];
            if (!this.#active.delete(namespaceKey(ns))) protocolViolation("NAMESPACE_DONE for a namespace not announced");
            this.#queue.push({ active: false, namespace: ns });
            break;
          }
          case MoqtMessageType.RequestOk:
          case MoqtMessageType.RequestError:
          case MoqtMessageType.GoAway:
            break;
          default:
            protocolViolation(`unexpected message 0x${message.type.toString(16)} on a SUBSCRIBE_NAMESPACE stream`);
        }
      }
    } catch (e) {
      if (!isStreamFailure(e)) throw e;
    } finally {
      this.#withdrawAll();
    }
  }

  #withdrawAll(): void {
    if (this.#queue.ended) return;
    for (const ns of this.#active.values()) this.#queue.push({ active: false, namespace: ns });
    this.#active.clear();
    this.#queue.end();
  }
}
