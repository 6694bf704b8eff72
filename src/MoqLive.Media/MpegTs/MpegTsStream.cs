namespace MoqLive.Media.MpegTs;

/// <summary>
/// An H.264 elementary stream (stream_type 0x1B) of a program map table, configured from the SPS and PPS of its first
/// IDR access unit: WebCodecs codec string, avcC record, cropped picture size.
/// </summary>
public sealed record MpegTsStream(ushort Pid, ushort ProgramNumber, string Codec, byte[] DecoderConfiguration, int Width, int Height);
