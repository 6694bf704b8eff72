/** Video codec choice: H.264 in avc format when the browser encodes it, else VP9, else VP8 (DESIGN.md). */

export const DEFAULT_VIDEO_CODECS = ["avc1.640028", "avc1.42E01F", "vp09.00.10.08", "vp8"] as const;

export function videoEncoderConfig(codec: string, width: number, height: number, bitrate: number, framerate: number): VideoEncoderConfig {
  const config: VideoEncoderConfig = {
    codec,
    width,
    height,
    bitrate,
    framerate,
    latencyMode: "realtime",
    bitrateMode: "variable",
  };
  // docs/media-format.md: H.264 payloads are in the canonical avc format (length-prefixed NAL units), never Annex B.
  if (codec.startsWith("avc1.")) config.avc = { format: "avc" };
  return config;
}

/** The first codec of `candidates` the browser can encode at this size, or undefined. */
export async function chooseVideoCodec(
  candidates: readonly string[],
  width: number,
  height: number,
  bitrate: number,
  framerate: number,
): Promise<string | undefined> {
  for (const codec of candidates) {
    try {
      const support = await VideoEncoder.isConfigSupported(videoEncoderConfig(codec, width, height, bitrate, framerate));
      if (support.supported) return codec;
    } catch {
      // An unparseable codec string counts as unsupported.
    }
  }
  return undefined;
}
