// AudioWorklet processor: plays the planar PCM the decoder worker posts, from a bounded ring buffer (silence when it
// runs dry; the oldest samples go when more than MAX_SECONDS are queued, so audio never lags without bound).
import type { ToAudioWorklet } from "./decoder-messages.ts";

declare const sampleRate: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, processor: new () => AudioWorkletProcessor): void;

const MAX_SECONDS = 0.5;

class MoqLivePlayer extends AudioWorkletProcessor {
  readonly #capacity = Math.ceil(sampleRate * MAX_SECONDS);
  #rings: Float32Array[] = [];
  #read = 0;
  #write = 0;
  #queued = 0;
  #played = 0;
  #underruns = 0;
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
    if (message.type === "flush") {
      this.#read = this.#write = this.#queued = 0;
      return;
    }
    const channels = message.channels;
    if (this.#rings.length !== channels.length) {
      this.#rings = channels.map(() => new Float32Array(this.#capacity));
      this.#read = this.#write = this.#queued = 0;
    }
    const frames = channels[0]?.length ?? 0;
    for (let i = 0; i < frames; i++) {
      for (let c = 0; c < channels.length; c++) {
        const ring = this.#rings[c];
        if (ring !== undefined) ring[this.#write] = channels[c]?.[i] ?? 0;
      }
      this.#write = (this.#write + 1) % this.#capacity;
      if (this.#queued === this.#capacity) this.#read = (this.#read + 1) % this.#capacity;
      else this.#queued++;
    }
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const output = outputs[0];
    if (output === undefined) return true;
    const frames = output[0]?.length ?? 0;
    for (let i = 0; i < frames; i++) {
      const have = this.#queued > 0;
      for (let c = 0; c < output.length; c++) {
        const ring = this.#rings[Math.min(c, this.#rings.length - 1)];
        const out = output[c];
        if (out !== undefined) out[i] = have && ring !== undefined ? (ring[this.#read] ?? 0) : 0;
      }
      if (have) {
        this.#read = (this.#read + 1) % this.#capacity;
        this.#queued--;
        this.#played++;
      } else if (this.#rings.length > 0) {
        this.#underruns++;
      }
    }
    this.#sinceReport += frames;
    if (this.#sinceReport >= sampleRate / 4) {
      this.#sinceReport = 0;
      this.port.postMessage({
        type: "played",
        frames: this.#played,
        underruns: this.#underruns,
        queuedMs: (this.#queued / sampleRate) * 1000,
      });
    }
    return true;
  }
}

registerProcessor("moqlive-player", MoqLivePlayer);
