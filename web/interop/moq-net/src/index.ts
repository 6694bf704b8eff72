// The browser half of the @moq/net interop test (tests/MoqLive.E2E.Tests/Browser/MoqNetInteropTests.cs): an
// independent MOQT draft-19 peer, the npm package @moq/net, publishing to and subscribing from `moqlive serve` over
// WebTransport with serverCertificateHashes. Exposed as window.MoqNetInterop for page.EvaluateAsync.
import { publish } from "./publish.ts";
import { subscribe } from "./subscribe.ts";

declare global {
  interface Window {
    MoqNetInterop: { publish: typeof publish; subscribe: typeof subscribe };
  }
}

window.MoqNetInterop = { publish, subscribe };
