import type { RequestStream } from "./request-stream.ts";
import { isStreamFailure } from "./stream-error.ts";
import { TrackWriter, type TrackWriterOptions } from "./track-writer.ts";

/**
 * A namespace this session announced with PUBLISH_NAMESPACE (draft-19 "PUBLISH_NAMESPACE"). The peer's SUBSCRIBE
 * and FETCH for `namespace` + a track name are served from the tracks created here.
 */
export class PublishedNamespace {
  readonly namespace: readonly string[];
  readonly #tracks = new Map<string, TrackWriter>();
  readonly #stream: RequestStream;
  readonly #onEnded: (ns: PublishedNamespace) => void;
  #ended = false;
  #resolveEnded!: () => void;
  /**
   * Resolves once the namespace is withdrawn: by {@link unpublish}, by the peer cancelling the request, or by the
   * session ending. Its tracks are closed by then.
   */
  readonly ended = new Promise<void>((resolve) => {
    this.#resolveEnded = resolve;
  });

  /** `tracks`: created beforehand in `namespace` (see MoqtSession.publishNamespace). */
  constructor(
    namespace: readonly string[],
    stream: RequestStream,
    tracks: readonly TrackWriter[],
    onEnded: (ns: PublishedNamespace) => void,
  ) {
    this.namespace = namespace;
    for (const track of tracks) this.#tracks.set(track.name, track);
    this.#stream = stream;
    this.#onEnded = onEnded;
  }

  get active(): boolean {
    return !this.#ended;
  }

  /** Creates the track `name` (it replaces a closed track of that name). */
  createTrack(name: string, options: TrackWriterOptions = {}): TrackWriter {
    const existing = this.#tracks.get(name);
    if (existing !== undefined && !existing.closed) throw new Error(`track ${name} already exists`);
    const track = new TrackWriter(this.namespace, name, options);
    this.#tracks.set(name, track);
    return track;
  }

  getTrack(name: string): TrackWriter | undefined {
    return this.#tracks.get(name);
  }

  /** Withdraws the namespace (cancels the PUBLISH_NAMESPACE request) and closes its tracks. */
  unpublish(): void {
    if (this.#ended) return;
    this.#stream.cancel();
    this.#end();
  }

  /** @internal Watches the request stream: the peer cancelling it withdraws the namespace. */
  async run(): Promise<void> {
    try {
      while ((await this.#stream.read()) !== undefined) {
        // REQUEST_UPDATE answers and GOAWAY carry nothing we act on.
      }
    } catch (e) {
      if (!isStreamFailure(e)) throw e;
    }
    this.#end();
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    for (const track of this.#tracks.values()) track.close();
    this.#onEnded(this);
    this.#resolveEnded();
  }
}
