// AudioWorklet processor: plays the planar PCM the decoder worker posts, from a bounded queue (PcmRing: silence when
// it runs dry; the oldest samples go when more than MAX_LAG_SECONDS wait, so audio stays in sync with video).
import type { ToAudioWorklet } from "./decoder-messages.ts";
import { PcmRing } from "./pcm-ring.ts";

declare const sampleRate: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, processor: new () => AudioWorkletProcessor): void;

/** Audio waits at most this long here: beyond it the oldest samples go, keeping audio in sync with video (PcmRing). */
const MAX_LAG_SECONDS = 0.1;

class MoqLivePlayer extends AudioWorkletProcessor {
  readonly #ring = new PcmRing(sampleRate * MAX_LAG_SECONDS);
  #sinceReport = 0;

  constructor() {
    super();
    this.port.onmessage = (event: MessageEvent<ToAudioWorklet | { type: "port"; port: MessagePort }>) => {
      const message = event.data;
      // The decoder worker gets its own channel to this processor.
      if (message.type === "port") message.port.onmessage = (e: MessageEvent<ToAudioWorklet>) => this.#receive(e.data);
      else this.#receive(message);
    };
  }

  #receive(message: ToAudioWorklet): void {
    if (message.type === "flush") this.#ring.flush();
    else this.#ring.push(message.channels);
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const output = outputs[0];
    if (output === undefined) return true;
    this.#ring.read(output);
    this.#sinceReport += output[0]?.length ?? 0;
    if (this.#sinceReport >= sampleRate / 4) {
      this.#sinceReport = 0;
      this.port.postMessage({
        type: "played",
        frames: this.#ring.played,
        underruns: this.#ring.underruns,
        dropped: this.#ring.dropped,
        queuedMs: (this.#ring.queued / sampleRate) * 1000,
      });
    }
    return true;
  }
}

registerProcessor("moqlive-player", MoqLivePlayer);
