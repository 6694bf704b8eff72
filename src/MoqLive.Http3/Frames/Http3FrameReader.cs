using System.Buffers;
using MoqLive.Transport.Encoding;

namespace MoqLive.Http3.Frames;

/// <summary>
/// Parses HTTP/3 frames (RFC 9114 §7.1: Type (i), Length (i), Payload) from a <see cref="ReadOnlySequence{T}"/>
/// in the style of Kestrel's Http3FrameReader: <c>TryRead…</c> returns false when more bytes are needed and
/// leaves the input untouched; malformed input throws <see cref="Http3ConnectionErrorException"/>.
/// </summary>
internal static class Http3FrameReader
{
    /// <summary>
    /// Reads a frame header. On success <paramref name="input"/> is advanced past it and the payload of
    /// <paramref name="payloadLength"/> bytes follows (not yet consumed).
    /// </summary>
    public static bool TryReadFrameHeader(ref ReadOnlySequence<byte> input, out ulong type, out ulong payloadLength)
    {
        var reader = new SequenceReader<byte>(input);
        if (!QuicVarInt.TryRead(ref reader, out type) || !QuicVarInt.TryRead(ref reader, out payloadLength))
        {
            type = 0;
            payloadLength = 0;
            return false;
        }

        input = input.Slice(reader.Position);
        return true;
    }

    /// <summary>
    /// Reads a whole frame (header and payload). Returns false, leaving <paramref name="input"/> as it was,
    /// until the whole frame is present. A payload longer than <paramref name="maxPayloadLength"/> is refused
    /// with H3_EXCESSIVE_LOAD before it is buffered (RFC 9114 §10.5: limit what a peer can make us hold).
    /// </summary>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> input, long maxPayloadLength, out Http3Frame frame)
    {
        frame = default;
        ReadOnlySequence<byte> rest = input;
        if (!TryReadFrameHeader(ref rest, out ulong type, out ulong length))
            return false;

        if (length > (ulong)maxPayloadLength)
        {
            throw new Http3ConnectionErrorException(Http3ErrorCode.ExcessiveLoad,
                $"Frame type 0x{type:x} has a {length}-byte payload; the limit is {maxPayloadLength}.");
        }

        if ((ulong)rest.Length < length)
            return false;

        frame = new Http3Frame(type, rest.Slice(0, (long)length));
        input = rest.Slice((long)length);
        return true;
    }

    /// <summary>
    /// Parses a payload that is exactly one varint (CANCEL_PUSH, GOAWAY, MAX_PUSH_ID: §7.2.3, §7.2.6, §7.2.7);
    /// anything else is H3_FRAME_ERROR (§7.1).
    /// </summary>
    public static ulong ReadSingleVarInt(in ReadOnlySequence<byte> payload, string frameName)
    {
        var reader = new SequenceReader<byte>(payload);
        if (!QuicVarInt.TryRead(ref reader, out ulong value) || !reader.End)
        {
            throw new Http3ConnectionErrorException(Http3ErrorCode.FrameError,
                $"The {frameName} frame payload must be exactly one variable-length integer.");
        }

        return value;
    }

    /// <summary>
    /// True for the frame types §7.2.8 reserves because they were HTTP/2 frames (0x02, 0x06, 0x08, 0x09);
    /// receiving one is a connection error of type H3_FRAME_UNEXPECTED.
    /// </summary>
    public static bool IsReservedHttp2Type(ulong type) => type is 0x02 or 0x06 or 0x08 or 0x09;

    /// <summary>True for the GREASE frame types 0x1f * N + 0x21 (§7.2.9), which carry no meaning.</summary>
    public static bool IsReservedGreaseType(ulong type) => type >= 0x21 && (type - 0x21) % 0x1f == 0;
}
