import { describe, expect, it } from "vitest";
import { CertificateHashSource } from "./certificate-hash.ts";

function fakeFetch(bodies: (string | Error)[]): { fetchImpl: typeof fetch; urls: string[] } {
  const urls: string[] = [];
  const fetchImpl = (async (input: URL | RequestInfo) => {
    urls.push(input.toString());
    const body = bodies.shift() ?? "";
    if (body instanceof Error) throw body;
    return new Response(body);
  }) as typeof fetch;
  return { fetchImpl, urls };
}

describe("CertificateHashSource", () => {
  it("fetches once and shares the hash between connects", async () => {
    const { fetchImpl, urls } = fakeFetch([`${"01".repeat(32)}\n`, `${"02".repeat(32)}\n`]);
    const source = new CertificateHashSource("https://relay.example:4443/watch/", fetchImpl);
    const [a, b] = await Promise.all([source.get(), source.get()]);
    expect(a).toBe(b);
    expect(a.value).toEqual(new Uint8Array(32).fill(1));
    expect(urls).toEqual(["https://relay.example:4443/certificate.sha256"]);
  });

  it("fetches again after refresh (a renewed certificate)", async () => {
    const { fetchImpl, urls } = fakeFetch([`${"01".repeat(32)}\n`, `${"02".repeat(32)}\n`]);
    const source = new CertificateHashSource("https://relay.example:4443/", fetchImpl);
    await source.get();
    source.refresh();
    expect((await source.get()).value).toEqual(new Uint8Array(32).fill(2));
    expect(urls.length).toBe(2);
  });

  it("does not keep a failed fetch", async () => {
    const { fetchImpl } = fakeFetch([new Error("server down"), `${"03".repeat(32)}\n`]);
    const source = new CertificateHashSource("https://relay.example:4443/", fetchImpl);
    await expect(source.get()).rejects.toThrow("server down");
    expect((await source.get()).value).toEqual(new Uint8Array(32).fill(3));
  });

  it("uses the hash the page carries without fetching, and fetches after refresh", async () => {
    const { fetchImpl, urls } = fakeFetch([`${"05".repeat(32)}\n`]);
    const source = new CertificateHashSource("https://relay.example:4443/", fetchImpl, "04".repeat(32));
    expect(source.current?.value).toEqual(new Uint8Array(32).fill(4));
    expect((await source.get()).value).toEqual(new Uint8Array(32).fill(4));
    expect(urls).toEqual([]);
    source.refresh();
    expect(source.current).toBeUndefined();
    expect((await source.get()).value).toEqual(new Uint8Array(32).fill(5));
    expect(source.current?.value).toEqual(new Uint8Array(32).fill(5));
    expect(urls.length).toBe(1);
  });
});
