// The watch page's first steps, evaluated before the rest of the page (watch.ts, the entry, loads watch-page.ts after): the page
// knows its channel from its URL and, served by `moqlive serve`, the certificate hash and MOQT path from its head, so
// it starts the first join's decoder worker and WebTransport session here, before the chat, stats and player modules
// and the custom elements run. The QUIC and TLS handshake, the HTTP/3 SETTINGS and the extended CONNECT then overlap
// that work instead of following it (issue 5, BENCHMARKS.md "the first viewer").

import { isValidChannelName, startDecoderWorker } from "@moqlive/media";
import { certificateHashFromHex, type MoqtTransport, startTransport } from "@moqlive/moqt";

/** What the page started as it loaded, for its first join (each taken once). */
export interface PageStart {
  /** The decoder worker, started for a page opened with a valid channel name. */
  worker: Worker | undefined;
  /** When the worker was started, on the page's `performance.now()` clock. */
  readonly workerStartedAt: number | undefined;
  /** The WebTransport session to {@link PageStart.moqtUrl}, started when the page carries the certificate hash. */
  transport: MoqtTransport | undefined;
  /** When the session was started, on the page's `performance.now()` clock. */
  readonly transportStartedAt: number | undefined;
  readonly moqtUrl: string;
  /** The hex certificate SHA-256 the server put in the page, if any. */
  readonly certificateSha256: string | undefined;
}

/** A `<meta name="moqlive-NAME">` the server put in the page's head. */
export const serverMeta = (name: string): string | undefined =>
  document.querySelector<HTMLMetaElement>(`meta[name="moqlive-${name}"]`)?.content;

function start(): PageStart {
  const moqtUrl = new URL(serverMeta("moqt-path") ?? "/moq", location.origin).toString();
  const certificateSha256 = serverMeta("certificate-sha256");
  if (!isValidChannelName(new URLSearchParams(location.search).get("channel") ?? ""))
    return {
      worker: undefined,
      workerStartedAt: undefined,
      transport: undefined,
      transportStartedAt: undefined,
      moqtUrl,
      certificateSha256,
    };
  // The worker's start waits for the main thread, which the rest of the page's start keeps busy.
  const workerStartedAt = performance.now();
  const worker = startDecoderWorker();
  let transport: MoqtTransport | undefined;
  let transportStartedAt: number | undefined;
  if (certificateSha256 !== undefined) {
    try {
      transportStartedAt = performance.now();
      transport = startTransport(moqtUrl, [certificateHashFromHex(certificateSha256)]);
      // A session nobody takes over (the autoplay check failed) or that fails is the join's to report.
      transport.ready.catch(() => {});
    } catch (e) {
      // A malformed hash or URL: the join connects (and reports the failure) as it would without this head start.
      console.warn("Could not start the WebTransport session early:", e);
      transport = undefined;
      transportStartedAt = undefined;
    }
  }
  return { worker, workerStartedAt, transport, transportStartedAt, moqtUrl, certificateSha256 };
}

export const pageStart: PageStart = start();
