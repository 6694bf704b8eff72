import { describe, expect, it } from "vitest";
import { startSessionPair, take, within } from "../test-support/session-pair.ts";
import { MoqtRequestError } from "./errors.ts";
import { RequestErrorCode } from "./request-error-code.ts";
import { TrackWriter } from "./track-writer.ts";

describe("PUBLISH_NAMESPACE and SUBSCRIBE_NAMESPACE", () => {
  it("reports published namespaces under a prefix, then their withdrawal", async () => {
    const { client, server } = await startSessionPair({ acceptPublishNamespace: true });
    const before = await within(server.publishNamespace(["live", "a", "chat", "p1"]));
    await within(server.publishNamespace(["live", "b"]));
    const events = await within(client.subscribeNamespace(["live", "a", "chat"]));
    const later = await within(server.publishNamespace(["live", "a", "chat", "p2"]));
    before.unpublish();
    expect(await take(events.events, 3)).toEqual([
      { active: true, namespace: ["live", "a", "chat", "p1"] },
      { active: true, namespace: ["live", "a", "chat", "p2"] },
      { active: false, namespace: ["live", "a", "chat", "p1"] },
    ]);
    expect(events.active).toEqual([["live", "a", "chat", "p2"]]);
    expect(later.active).toBe(true);
    server.close();
  });

  it("lists the peer's namespaces while they are published", async () => {
    const { client, server } = await startSessionPair();
    const published = await within(client.publishNamespace(["live", "x"]));
    expect(server.peerNamespaces).toEqual([["live", "x"]]);
    published.unpublish();
    await within(waitFor(() => server.peerNamespaces.length === 0));
    client.close();
  });

  it("ends a published namespace and closes its tracks when the peer's session goes away", async () => {
    const { client, server } = await startSessionPair();
    const track = new TrackWriter(["live", "y"], "video");
    const published = await within(client.publishNamespace(["live", "y"], [track]));
    server.close();
    await within(published.ended);
    expect(published.active).toBe(false);
    expect(track.closed).toBe(true);
    client.close();
  });

  it("rejects an overlapping SUBSCRIBE_NAMESPACE with PREFIX_OVERLAP and a PUBLISH_NAMESPACE it does not accept", async () => {
    const { client, server } = await startSessionPair();
    await within(client.subscribeNamespace(["live"]));
    const overlap = await client.subscribeNamespace(["live", "a"]).catch((e: unknown) => e);
    expect((overlap as MoqtRequestError).code).toBe(BigInt(RequestErrorCode.PrefixOverlap));
    const refused = await server.publishNamespace(["live", "z"]).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(MoqtRequestError);
    expect((refused as MoqtRequestError).code).toBe(BigInt(RequestErrorCode.NotSupported));
    client.close();
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 1));
}
