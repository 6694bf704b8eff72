using System.Buffers;
using MoqLive.Transport.Encoding;

namespace MoqLive.Http3.Frames;

/// <summary>
/// Writes HTTP/3 frames (RFC 9114 §7) into an <see cref="IBufferWriter{T}"/> with <c>GetSpan</c>/<c>Advance</c>,
/// as Kestrel's Http3FrameWriter does. Stateless.
/// </summary>
internal static class Http3FrameWriter
{
    /// <summary>Writes a frame header: Type (i), Length (i).</summary>
    public static void WriteFrameHeader(IBufferWriter<byte> writer, ulong type, ulong payloadLength)
    {
        QuicVarInt.Write(writer, type);
        QuicVarInt.Write(writer, payloadLength);
    }

    /// <summary>Bytes of a frame header for this type and payload length.</summary>
    public static int GetFrameHeaderLength(ulong type, ulong payloadLength) =>
        QuicVarInt.GetEncodedLength(type) + QuicVarInt.GetEncodedLength(payloadLength);

    /// <summary>Writes a DATA frame (§7.2.1) carrying <paramref name="data"/>.</summary>
    public static void WriteData(IBufferWriter<byte> writer, ReadOnlySpan<byte> data)
    {
        WriteFrameHeader(writer, (ulong)Http3FrameType.Data, (ulong)data.Length);
        writer.Write(data);
    }

    /// <summary>Writes a HEADERS frame (§7.2.2) carrying an already encoded field section.</summary>
    public static void WriteHeaders(IBufferWriter<byte> writer, ReadOnlySpan<byte> encodedFieldSection)
    {
        WriteFrameHeader(writer, (ulong)Http3FrameType.Headers, (ulong)encodedFieldSection.Length);
        writer.Write(encodedFieldSection);
    }

    /// <summary>Writes a SETTINGS frame (§7.2.4).</summary>
    public static void WriteSettings(IBufferWriter<byte> writer, IReadOnlyCollection<KeyValuePair<ulong, ulong>> settings)
    {
        WriteFrameHeader(writer, (ulong)Http3FrameType.Settings, (ulong)SettingsFrame.GetPayloadLength(settings));
        foreach ((ulong id, ulong value) in settings)
        {
            QuicVarInt.Write(writer, id);
            QuicVarInt.Write(writer, value);
        }
    }

    /// <summary>Writes GOAWAY (§7.2.6) with a stream ID (from a server) or push ID (from a client).</summary>
    public static void WriteGoAway(IBufferWriter<byte> writer, ulong id) =>
        WriteSingleVarInt(writer, Http3FrameType.GoAway, id);

    /// <summary>Writes CANCEL_PUSH (§7.2.3).</summary>
    public static void WriteCancelPush(IBufferWriter<byte> writer, ulong pushId) =>
        WriteSingleVarInt(writer, Http3FrameType.CancelPush, pushId);

    /// <summary>Writes MAX_PUSH_ID (§7.2.7).</summary>
    public static void WriteMaxPushId(IBufferWriter<byte> writer, ulong pushId) =>
        WriteSingleVarInt(writer, Http3FrameType.MaxPushId, pushId);

    /// <summary>Writes PUSH_PROMISE (§7.2.5): Push ID (i) then an encoded field section.</summary>
    public static void WritePushPromise(IBufferWriter<byte> writer, ulong pushId, ReadOnlySpan<byte> encodedFieldSection)
    {
        WriteFrameHeader(writer, (ulong)Http3FrameType.PushPromise,
            (ulong)(QuicVarInt.GetEncodedLength(pushId) + encodedFieldSection.Length));
        QuicVarInt.Write(writer, pushId);
        writer.Write(encodedFieldSection);
    }

    /// <summary>
    /// Writes the WEBTRANSPORT_STREAM signal that opens a WebTransport bidirectional stream
    /// (draft-ietf-webtrans-http3-02 §4.2): type 0x41 then the session ID, with no length field.
    /// </summary>
    public static void WriteWebTransportStreamHeader(IBufferWriter<byte> writer, ulong sessionId)
    {
        QuicVarInt.Write(writer, (ulong)Http3FrameType.WebTransportStream);
        QuicVarInt.Write(writer, sessionId);
    }

    /// <summary>Writes a frame of any type, e.g. a reserved GREASE frame (§7.2.8).</summary>
    public static void WriteFrame(IBufferWriter<byte> writer, ulong type, ReadOnlySpan<byte> payload)
    {
        WriteFrameHeader(writer, type, (ulong)payload.Length);
        writer.Write(payload);
    }

    private static void WriteSingleVarInt(IBufferWriter<byte> writer, Http3FrameType type, ulong value)
    {
        WriteFrameHeader(writer, (ulong)type, (ulong)QuicVarInt.GetEncodedLength(value));
        QuicVarInt.Write(writer, value);
    }
}
