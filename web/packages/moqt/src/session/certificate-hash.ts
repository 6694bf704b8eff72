/** A `serverCertificateHashes` entry (W3C WebTransport "WebTransportHash"). */
export interface CertificateHash {
  readonly algorithm: "sha-256";
  readonly value: Uint8Array<ArrayBuffer>;
}

function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error(`not a SHA-256 hex digest: "${hex.slice(0, 80)}"`);
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** A `serverCertificateHashes` entry from the hex SHA-256 `/certificate.sha256` serves (or a page carries). */
export function certificateHashFromHex(hex: string): CertificateHash {
  return { algorithm: "sha-256", value: hexToBytes(hex.trim()) };
}

/**
 * Fetches the SHA-256 of the server's (self-signed, short-lived) development certificate from
 * `<origin>/certificate.sha256`, for `serverCertificateHashes`. `origin` defaults to the WebTransport URL's origin.
 */
export async function fetchCertificateHash(url: string | URL, fetchImpl: typeof fetch = fetch): Promise<CertificateHash> {
  const target = new URL("/certificate.sha256", url);
  const response = await fetchImpl(target, { cache: "no-store" });
  if (!response.ok) throw new Error(`${target} answered ${response.status}`);
  return certificateHashFromHex(await response.text());
}

/**
 * The development certificate's hash, fetched once and shared by every connect from a page, so a join does not wait
 * for the `/certificate.sha256` round trip (issue 5: it took 75–225 ms of a join on a loaded machine). The hash the
 * server put in the page (`known`) is used first, without any fetch. A failed fetch is not kept; call {@link refresh}
 * after a failed connect, since the server may have renewed its certificate.
 */
export class CertificateHashSource {
  readonly #url: string | URL;
  readonly #fetchImpl: typeof fetch;
  #pending: Promise<CertificateHash> | undefined;
  #current: CertificateHash | undefined;

  /**
   * @param url the server's origin (or any URL on it)
   * @param known the hex SHA-256 the server served with the page, if any: used until {@link refresh}
   */
  constructor(url: string | URL, fetchImpl: typeof fetch = (input, init) => fetch(input, init), known?: string) {
    this.#url = url;
    this.#fetchImpl = fetchImpl;
    if (known !== undefined) {
      this.#current = certificateHashFromHex(known);
      this.#pending = Promise.resolve(this.#current);
    }
  }

  /** The hash if it is at hand now (from the page, or fetched before), so a connect need not wait even a microtask. */
  get current(): CertificateHash | undefined {
    return this.#current;
  }

  /** The hash: the one fetched before, or a new fetch. */
  get(): Promise<CertificateHash> {
    if (this.#pending === undefined) {
      const pending = fetchCertificateHash(this.#url, this.#fetchImpl);
      this.#pending = pending;
      pending.then(
        (hash) => {
          if (this.#pending === pending) this.#current = hash;
        },
        () => {
          if (this.#pending === pending) this.#pending = undefined;
        },
      );
    }
    return this.#pending;
  }

  /** Forgets the hash: the next {@link get} fetches it again. */
  refresh(): void {
    this.#pending = undefined;
    this.#current = undefined;
  }
}
