namespace MoqLive.Media.MpegTs;

/// <summary>
/// One H.264 access unit from a PES (ISO/IEC 13818-1 §2.4.3.6): its PID, decode and presentation times in 90 kHz units
/// (unwrapped from 33 bits, so they keep increasing), whether it holds an IDR picture, and its NAL units in the
/// length-prefixed <c>avc</c> form (4-byte lengths; SPS, PPS and access unit delimiters removed: they are in the
/// stream's <see cref="MpegTsStream.DecoderConfiguration"/>). <see cref="Offset"/> is where its PES started in the input.
/// </summary>
public sealed record MpegTsFrame(ushort Pid, long DecodeTime, long PresentationTime, bool IsKeyFrame, ReadOnlyMemory<byte> Data, long Offset);
