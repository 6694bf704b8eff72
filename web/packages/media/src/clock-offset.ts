/**
 * Clock offset against the server, NTP-style: each sample is (local send time, server time, local receive time); the
 * sample with the smallest round trip bounds the error best, and its offset is server − (send + receive) / 2.
 */
export interface ClockSample {
  readonly sentUs: number;
  readonly serverUs: number;
  readonly receivedUs: number;
}

export class ClockOffsetEstimator {
  #best: ClockSample | undefined;

  add(sample: ClockSample): void {
    const rtt = sample.receivedUs - sample.sentUs;
    if (rtt < 0) return;
    if (this.#best === undefined || rtt < this.#best.receivedUs - this.#best.sentUs) this.#best = sample;
  }

  /** Server clock − local clock in µs (0 before any sample). */
  get offsetUs(): number {
    const b = this.#best;
    return b === undefined ? 0 : b.serverUs - (b.sentUs + b.receivedUs) / 2;
  }

  /** The round trip of the sample in use: the offset is within ± half of it. */
  get rttUs(): number | undefined {
    return this.#best === undefined ? undefined : this.#best.receivedUs - this.#best.sentUs;
  }
}

/** The local wall clock in µs since the Unix epoch, with sub-ms resolution and monotonic within the page. */
export function localNowUs(): number {
  return (performance.timeOrigin + performance.now()) * 1000;
}

/** Samples `GET /api/time` (`{ unixMicros }`) a few times and returns the estimate. */
export async function estimateClockOffset(timeUrl: string | URL = "/api/time", samples = 5): Promise<ClockOffsetEstimator> {
  const estimator = new ClockOffsetEstimator();
  for (let i = 0; i < samples; i++) {
    const sentUs = localNowUs();
    const response = await fetch(timeUrl, { cache: "no-store" });
    if (!response.ok) throw new Error(`${timeUrl} answered ${response.status}`);
    const body = (await response.json()) as { unixMicros?: unknown };
    const receivedUs = localNowUs();
    if (typeof body.unixMicros !== "number") throw new Error(`${timeUrl} did not return unixMicros`);
    estimator.add({ sentUs, serverUs: body.unixMicros, receivedUs });
  }
  return estimator;
}
