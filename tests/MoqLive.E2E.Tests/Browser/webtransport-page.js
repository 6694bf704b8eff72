// Runs in the page (page.EvaluateAsync): the browser half of ChromiumWebTransportTests. Returns what it saw;
// each step records its result, and the first failure stops it with `error` naming the step.
async (args) => {
  const out = { steps: [], ms: {} };
  const t0 = performance.now();
  const withTimeout = (p, ms, what) => Promise.race([p, new Promise((_, rej) => setTimeout(() => rej(new Error(what + ': timeout')), ms))]);
  const readAll = async (readable) => {
    const reader = readable.getReader();
    const chunks = []; let total = 0;
    for (;;) { const { value, done } = await reader.read(); if (done) break; chunks.push(value); total += value.length; }
    const all = new Uint8Array(total); let at = 0;
    for (const c of chunks) { all.set(c, at); at += c.length; }
    return all;
  };
  let step = 'construct';
  let transport;
  try {
    const hash = Uint8Array.from(atob(args.hash), c => c.charCodeAt(0));
    const options = { serverCertificateHashes: [{ algorithm: 'sha-256', value: hash }] };
    if (args.protocols) options.protocols = args.protocols;
    transport = new WebTransport(args.url, options);
    transport.closed.catch(() => {});
    step = 'ready';
    await withTimeout(transport.ready, 15000, step);
    out.ready = true;
    out.protocol = transport.protocol ?? null;
    out.steps.push(step); out.ms[step] = Math.round(performance.now() - t0);

    step = 'echo';
    const size = 1 << 20;
    const data = new Uint8Array(size);
    for (let i = 0; i < size; i++) data[i] = (i * 7 + (i >> 10)) & 255;
    const bidi = await withTimeout(transport.createBidirectionalStream(), 10000, 'createBidirectionalStream');
    const echoed = readAll(bidi.readable);
    const writer = bidi.writable.getWriter();
    await withTimeout(writer.write(data), 20000, 'echo write');
    await withTimeout(writer.close(), 20000, 'echo close');
    const back = await withTimeout(echoed, 20000, 'echo read');
    out.echoLength = back.length;
    out.echoEqual = back.length === size && back.every((b, i) => b === data[i]);
    out.steps.push(step); out.ms[step] = Math.round(performance.now() - t0);

    step = 'server-uni';
    const uniReader = transport.incomingUnidirectionalStreams.getReader();
    const uni = await withTimeout(uniReader.read(), 10000, step);
    out.uniText = new TextDecoder().decode(await withTimeout(readAll(uni.value), 10000, step + ' read'));
    out.steps.push(step); out.ms[step] = Math.round(performance.now() - t0);

    step = 'server-bidi';
    const bidiReader = transport.incomingBidirectionalStreams.getReader();
    const sbidi = await withTimeout(bidiReader.read(), 10000, step);
    out.bidiText = new TextDecoder().decode(await withTimeout(readAll(sbidi.value.readable), 10000, step + ' read'));
    const bw = sbidi.value.writable.getWriter();
    await bw.write(new TextEncoder().encode('reply from chromium'));
    await bw.close();
    out.steps.push(step); out.ms[step] = Math.round(performance.now() - t0);

    step = 'datagrams';
    // Datagrams are unreliable (RFC 9221 §5) and every queue on the way is bounded and drops, so payloads that have
    // not come back are resent, in rounds, until each one made the round trip (as EchoScenarioClient does in C#).
    const dw = transport.datagrams.writable.getWriter();
    const dr = transport.datagrams.readable.getReader();
    const seen = new Set();
    let allSeen;
    const everyOneSeen = new Promise(r => { allSeen = r; });
    const receiving = (async () => {
      for (;;) {
        const { value, done } = await dr.read();
        if (done) return;
        seen.add(new TextDecoder().decode(value));
        if (seen.size >= args.datagrams) { allSeen(); return; }
      }
    })();
    receiving.catch(() => {});
    let rounds = 0;
    let sent = 0;
    for (;;) {
      const missing = [];
      for (let i = 0; i < args.datagrams; i++) if (!seen.has('datagram ' + i)) missing.push('datagram ' + i);
      if (missing.length === 0 || rounds === args.datagramRounds) break;
      rounds++;
      for (let i = 0; i < missing.length; i++) {
        await dw.write(new TextEncoder().encode(missing[i]));
        sent++;
        if (i % 10 === 9) await new Promise(r => setTimeout(r, 5));
      }
      await Promise.race([everyOneSeen, new Promise(r => setTimeout(r, 500))]);
    }
    out.datagramsEchoed = seen.size;
    out.datagramRounds = rounds;
    out.datagramsSent = sent;
    out.steps.push(step); out.ms[step] = Math.round(performance.now() - t0);

    step = 'close';
    transport.close({ closeCode: args.closeCode, reason: args.reason });
    const closed = await withTimeout(transport.closed, 10000, step);
    out.closed = { closeCode: closed?.closeCode ?? null, reason: closed?.reason ?? null };
    out.steps.push(step); out.ms[step] = Math.round(performance.now() - t0);
  } catch (e) {
    out.error = step + ': ' + (e && (e.name + ' ' + e.message + (e.source ? ' source=' + e.source : '') + (e.streamErrorCode != null ? ' code=' + e.streamErrorCode : '')));
  }
  return out;
}
