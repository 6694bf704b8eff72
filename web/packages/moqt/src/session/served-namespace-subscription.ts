import { messageParameters } from "../wire/message-parameters.ts";
import { MoqtMessageType } from "../wire/message-type.ts";
import { encodeNamespace, isNamespacePrefix } from "./names.ts";
import type { RequestStream } from "./request-stream.ts";
import { isStreamFailure } from "./stream-error.ts";

/**
 * The peer's SUBSCRIBE_NAMESPACE to this session (draft-19 "SUBSCRIBE_NAMESPACE"): NAMESPACE for every namespace this
 * session publishes under the prefix, now and later, and NAMESPACE_DONE when one is withdrawn.
 */
export class ServedNamespaceSubscription {
  readonly prefix: readonly string[];
  readonly #stream: RequestStream;
  #chain: Promise<void> = Promise.resolve();
  #ended = false;

  constructor(prefix: readonly string[], stream: RequestStream) {
    this.prefix = prefix;
    this.#stream = stream;
  }

  /** Answers REQUEST_OK and reports the namespaces published now. */
  start(current: readonly (readonly string[])[]): void {
    this.#send(() => this.#stream.write({ type: MoqtMessageType.RequestOk, parameters: messageParameters(), trackProperties: [] }));
    for (const ns of current) this.changed(ns, true);
  }

  /** A namespace of this session was published (`active`) or withdrawn. */
  changed(namespace: readonly string[], active: boolean): void {
    if (this.#ended || !isNamespacePrefix(this.prefix, namespace)) return;
    const suffix = encodeNamespace(namespace.slice(this.prefix.length));
    this.#send(() =>
      this.#stream.write(
        active
          ? { type: MoqtMessageType.Namespace, trackNamespaceSuffix: suffix }
          : { type: MoqtMessageType.NamespaceDone, trackNamespaceSuffix: suffix },
      ),
    );
  }

  /** Waits until the subscriber cancels or finishes its side. */
  async run(): Promise<void> {
    try {
      while ((await this.#stream.read()) !== undefined) {
        // Nothing from the subscriber needs an answer here (REQUEST_UPDATE of a namespace subscription is not used).
      }
      await this.#chain;
      await this.#stream.finish();
    } catch (e) {
      if (!isStreamFailure(e)) throw e;
    } finally {
      this.#ended = true;
    }
  }

  cancel(): void {
    this.#ended = true;
    this.#stream.cancel();
  }

  #send(write: () => Promise<void>): void {
    this.#chain = this.#chain.then(write).catch(() => {
      this.#ended = true;
    });
  }
}
