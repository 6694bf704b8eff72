// A workaround for one wire disagreement between @moq/net 0.3.4 and draft-ietf-moq-transport-19, applied to the
// bytes @moq/net reads (documented in web/interop/moq-net/README.md).
//
// draft-19 §"Message Parameters": a Message Parameter is `Type Delta (vi64), Value (..)` where the Value's encoding
// is given by the parameter, and §"LARGEST OBJECT Parameter": LARGEST_OBJECT (0x9) "is a Location", i.e. "Two
// consecutive varints (Group, Object)" with no length. Message Parameters are not Key-Value-Pairs (§"Key-Value-Pair
// Structure", where odd types carry a Length). @moq/net applies the Key-Value-Pair rule to it on draft-17+ and reads
// a Length before the two varints, so a draft-19 SUBSCRIBE_OK that carries LARGEST_OBJECT (which a relay MUST send
// once the track has objects) fails to parse ("buffer is empty"). MoqLive follows the draft text, so instead of
// changing the relay, the first message on each request stream the page opens is rewritten: a SUBSCRIBE_OK's
// LARGEST_OBJECT gets the Length @moq/net expects. Everything else passes through untouched.

const SUBSCRIBE_OK = 0x04n;
const LARGEST_OBJECT = 0x09n;

/** Wraps a connected WebTransport so request streams the page opens read SUBSCRIBE_OK the way @moq/net expects. */
export function withLargestObjectShim(transport: WebTransport): WebTransport {
  return new Proxy(transport, {
    get(target, property) {
      if (property === "createBidirectionalStream") {
        return async (options?: WebTransportSendStreamOptions) => {
          const stream = await target.createBidirectionalStream(options);
          return { readable: stream.readable.pipeThrough(firstMessageRewriter()), writable: stream.writable };
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

// Buffers the stream's first control message (Type (vi64), Length (16), body), rewrites it, then passes bytes through.
function firstMessageRewriter(): TransformStream<Uint8Array, Uint8Array> {
  let buffered = new Uint8Array(0);
  let done = false;
  return new TransformStream({
    transform(chunk, controller) {
      if (done) {
        controller.enqueue(chunk);
        return;
      }
      const joined = new Uint8Array(buffered.length + chunk.length);
      joined.set(buffered, 0);
      joined.set(chunk, buffered.length);
      buffered = joined;
      const header = readVi64(buffered, 0);
      if (header === undefined || buffered.length < header.next + 2) return;
      const length = ((buffered[header.next] ?? 0) << 8) | (buffered[header.next + 1] ?? 0);
      const end = header.next + 2 + length;
      if (buffered.length < end) return;
      done = true;
      const body = buffered.subarray(header.next + 2, end);
      const rewritten = header.value === SUBSCRIBE_OK ? rewriteSubscribeOk(body) : body;
      const out = new Uint8Array(header.next + 2 + rewritten.length + (buffered.length - end));
      out.set(buffered.subarray(0, header.next), 0);
      out[header.next] = rewritten.length >> 8;
      out[header.next + 1] = rewritten.length & 0xff;
      out.set(rewritten, header.next + 2);
      out.set(buffered.subarray(end), header.next + 2 + rewritten.length);
      controller.enqueue(out);
    },
  });
}

// SUBSCRIBE_OK body: Track Alias (vi64), Number of Parameters (vi64), Parameters, Track Properties (rest).
function rewriteSubscribeOk(body: Uint8Array): Uint8Array {
  const alias = readVi64(body, 0);
  const count = alias && readVi64(body, alias.next);
  if (!alias || !count) return body;
  let at = count.next;
  let type = 0n;
  for (let i = 0n; i < count.value; i++) {
    const delta = readVi64(body, at);
    if (!delta) return body;
    type += delta.value;
    if (type === LARGEST_OBJECT) {
      const group = readVi64(body, delta.next);
      const object = group && readVi64(body, group.next);
      if (!object) return body;
      const location = body.subarray(delta.next, object.next);
      const out = new Uint8Array(body.length + 1);
      out.set(body.subarray(0, delta.next), 0);
      out[delta.next] = location.length; // a vi64 below 128 is one byte; a Location is at most 18 bytes
      out.set(body.subarray(delta.next), delta.next + 1);
      return out;
    }
    // Parameters below 0x9 that MoqLive sends are varints (even types); stop at anything else.
    if (type % 2n !== 0n) return body;
    const value = readVi64(body, delta.next);
    if (!value) return body;
    at = value.next;
  }
  return body;
}

// draft-19 vi64: the number of leading 1 bits of the first byte is the count of extra bytes (9 bytes when all 8 set).
function readVi64(bytes: Uint8Array, at: number): { value: bigint; next: number } | undefined {
  const first = bytes[at];
  if (first === undefined) return undefined;
  let ones = 0;
  while (ones < 8 && (first & (0x80 >> ones)) !== 0) ones++;
  const length = ones === 8 ? 9 : ones + 1;
  if (at + length > bytes.length) return undefined;
  let value = ones >= 7 ? 0n : BigInt(first & (0xff >> (ones + 1)));
  for (let i = 1; i < length; i++) value = (value << 8n) | BigInt(bytes[at + i] ?? 0);
  return { value, next: at + length };
}
