/**
 * Decides, frame by frame, which video rendition feeds the decoder during a switch ("make before break"). The current
 * rendition plays on while the new one is subscribed; the switch happens at the new rendition's first key frame that
 * is newer than everything already handed to the decoder. Every rendition starts its groups on the same capture frame
 * (docs/media-format.md: one group per GOP, same TIMESTAMPs), so that key frame continues the picture where the old
 * rendition stops: no gap, no black frame, and the decoder only ever starts from a key frame. A key frame that is
 * already behind the playhead (the joining FETCH's group) is skipped; the next group is the switch point. Sans-IO.
 */
export type SpliceDecision =
  /** Buffer the frame (it belongs to the playing rendition). */
  | "accept"
  /** Discard the frame (a retired rendition, or the new one before its switch point). */
  | "drop"
  /** Switch now: this key frame starts the new rendition; buffered frames of the old one at or after it must go. */
  | "switch";

export class RenditionSplice {
  #current: string | undefined;
  #pending: string | undefined;
  /** Capture time of the newest frame released to the decoder, µs. */
  #releasedUs = Number.NEGATIVE_INFINITY;

  /** The rendition that feeds the decoder. */
  get current(): string | undefined {
    return this.#current;
  }

  /** The rendition waiting for its switch point, if any. */
  get pending(): string | undefined {
    return this.#pending;
  }

  /** Asks for `track`: the first one plays at once; later ones wait for their switch point. */
  switchTo(track: string): void {
    if (this.#current === undefined) this.#current = track;
    else this.#pending = track === this.#current ? undefined : track;
  }

  /** Records that a frame with this capture time went to the decoder. */
  released(timestampUs: number): void {
    this.#releasedUs = Math.max(this.#releasedUs, timestampUs);
  }

  /** Forgets the playhead (a restarted publisher starts its own clock, the buffer was flushed). */
  resetPlayhead(): void {
    this.#releasedUs = Number.NEGATIVE_INFINITY;
  }

  offer(track: string, timestampUs: number, keyframe: boolean): SpliceDecision {
    if (track === this.#current) return "accept";
    if (track !== this.#pending || !keyframe || timestampUs <= this.#releasedUs) return "drop";
    this.#current = track;
    this.#pending = undefined;
    return "switch";
  }
}
