/**
 * What a viewer is told while playback is stopped and the page keeps re-joining. The first reason an ended channel gave
 * stays until playback resumes: re-joins while the streamer's namespace is still listed (it withdraws it only after its
 * last objects left) find the track closing and report "The channel ended." or "not live", which would overwrite "The
 * streamer ended the broadcast." with a vaguer reason. Errors (a lost server) always show the latest.
 */
export class StopReason {
  #ended: string | undefined;

  /** The message to show for a stop in `state` whose own message is `message`. */
  stopped(state: "error" | "ended", message: string): string {
    if (state === "error") return message;
    this.#ended ??= message;
    return this.#ended;
  }

  /** Playback resumed: the next stop's reason is its own. */
  playing(): void {
    this.#ended = undefined;
  }
}
