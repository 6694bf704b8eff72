using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using MoqLive.Transport.Encoding;

namespace MoqLive.Http3.WebTransport;

/// <summary>
/// Capsules (RFC 9297 §3.2: Type (i), Length (i), Value) carried in the DATA of a WebTransport CONNECT stream,
/// and the two WebTransport uses: CLOSE_WEBTRANSPORT_SESSION and DRAIN_WEBTRANSPORT_SESSION.
/// </summary>
internal static class Capsule
{
    /// <summary>CLOSE_WEBTRANSPORT_SESSION (draft-02 §5): Application Error Code (32), Message (..1024 bytes).</summary>
    public const ulong CloseWebTransportSession = 0x2843;

    /// <summary>DRAIN_WEBTRANSPORT_SESSION (draft-07 §4.6): no payload.</summary>
    public const ulong DrainWebTransportSession = 0x78ae;

    /// <summary>Longest close message in bytes (draft-02 §5).</summary>
    public const int MaxCloseMessageLength = 1024;

    /// <summary>Reads a capsule; false when more bytes are needed. A value over <paramref name="maxLength"/> is refused (stream error H3_MESSAGE_ERROR).</summary>
    public static bool TryRead(ref ReadOnlySequence<byte> input, long maxLength, out ulong type, out ReadOnlySequence<byte> value)
    {
        value = default;
        var reader = new SequenceReader<byte>(input);
        if (!QuicVarInt.TryRead(ref reader, out type) || !QuicVarInt.TryRead(ref reader, out ulong length))
            return false;

        if (length > (ulong)maxLength)
            throw new Http3StreamErrorException(Http3ErrorCode.MessageError, $"Capsule type 0x{type:x} is {length} bytes long; the limit is {maxLength}.");
        if ((ulong)reader.Remaining < length)
            return false;

        value = input.Slice(reader.Position, (long)length);
        input = input.Slice(value.End);
        return true;
    }

    /// <summary>Encodes CLOSE_WEBTRANSPORT_SESSION with <paramref name="errorCode"/> and <paramref name="message"/> (truncated to 1024 bytes).</summary>
    public static byte[] EncodeClose(uint errorCode, string message)
    {
        byte[] text = Encoding.UTF8.GetBytes(message);
        int textLength = Math.Min(text.Length, MaxCloseMessageLength);
        ulong length = (ulong)(4 + textLength);
        var buffer = new byte[QuicVarInt.GetEncodedLength(CloseWebTransportSession) + QuicVarInt.GetEncodedLength(length) + (int)length];
        int offset = QuicVarInt.Write(buffer, CloseWebTransportSession);
        offset += QuicVarInt.Write(buffer.AsSpan(offset), length);
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(offset), errorCode);
        text.AsSpan(0, textLength).CopyTo(buffer.AsSpan(offset + 4));
        return buffer;
    }

    /// <summary>Decodes a CLOSE_WEBTRANSPORT_SESSION value; a value shorter than 4 bytes is H3_MESSAGE_ERROR.</summary>
    public static (uint ErrorCode, string Message) DecodeClose(in ReadOnlySequence<byte> value)
    {
        // draft-02 §5 / draft-07 §5: Application Error Code (32) and a message of at most 1024 bytes; RFC 9297 §3.3:
        // a capsule shorter or longer than its fields is a malformed message (H3_MESSAGE_ERROR, RFC 9114 §4.1.2).
        if (value.Length < 4)
            throw new Http3StreamErrorException(Http3ErrorCode.MessageError, $"CLOSE_WEBTRANSPORT_SESSION is {value.Length} bytes, shorter than its 4-byte error code.");
        if (value.Length > 4 + MaxCloseMessageLength)
            throw new Http3StreamErrorException(Http3ErrorCode.MessageError, $"CLOSE_WEBTRANSPORT_SESSION carries a {value.Length - 4}-byte message; the limit is {MaxCloseMessageLength}.");

        byte[] bytes = value.ToArray();
        return (BinaryPrimitives.ReadUInt32BigEndian(bytes), Encoding.UTF8.GetString(bytes, 4, bytes.Length - 4));
    }

    /// <summary>Encodes DRAIN_WEBTRANSPORT_SESSION.</summary>
    public static byte[] EncodeDrain()
    {
        var buffer = new byte[QuicVarInt.GetEncodedLength(DrainWebTransportSession) + 1];
        int offset = QuicVarInt.Write(buffer, DrainWebTransportSession);
        buffer[offset] = 0;
        return buffer;
    }
}
