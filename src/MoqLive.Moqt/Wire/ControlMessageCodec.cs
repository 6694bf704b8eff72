using System.Buffers;
using System.Buffers.Binary;

namespace MoqLive.Moqt.Wire;

/// <summary>
/// Control message framing: Message Type (vi64), Message Length (16-bit, big-endian), Message Body
/// (draft-ietf-moq-transport-19 §"Control Messages"). <c>TryRead</c> returns false when more bytes are
/// needed and throws <see cref="MoqtProtocolException"/> for an unknown type or a body that does not match its
/// length. Decoded messages own their bytes (nothing aliases the input buffer).
/// </summary>
public static class ControlMessageCodec
{
    /// <summary>Encoded size of <paramref name="message"/> including type and length.</summary>
    public static int GetEncodedLength(MoqtControlMessage message, MoqtVersion version)
    {
        ArgumentNullException.ThrowIfNull(message);
        int body = GetCheckedBodyLength(message, version);
        return Vi64.GetEncodedLength((ulong)message.Type) + 2 + body;
    }

    private static int GetCheckedBodyLength(MoqtControlMessage message, MoqtVersion version)
    {
        CheckVersion(version);
        int body = message.GetBodyLength(version);
        if (body > WireLimits.MaxControlMessageBodyLength)
            throw new ArgumentException($"{message.Type} body is {body} bytes; a control message body is at most 65535.", nameof(message));
        return body;
    }

    /// <summary>Writes <paramref name="message"/> into <paramref name="destination"/>; returns the bytes written.</summary>
    public static int Write(Span<byte> destination, MoqtControlMessage message, MoqtVersion version)
    {
        ArgumentNullException.ThrowIfNull(message);
        int body = GetCheckedBodyLength(message, version);
        int total = Vi64.GetEncodedLength((ulong)message.Type) + 2 + body;
        if (destination.Length < total)
            throw new ArgumentException("Destination too short for the message.", nameof(destination));

        var writer = new MoqtSpanWriter(destination[..total]);
        writer.WriteVi64((ulong)message.Type);
        writer.WriteUInt16((ushort)body);
        int bodyStart = writer.Position;
        message.WriteBody(ref writer, version);
        if (writer.Position - bodyStart != body)
            throw new InvalidOperationException($"{message.Type} wrote {writer.Position - bodyStart} bytes but announced {body}.");
        return total;
    }

    /// <summary>Writes <paramref name="message"/> into <paramref name="writer"/>.</summary>
    public static void Write(IBufferWriter<byte> writer, MoqtControlMessage message, MoqtVersion version)
    {
        ArgumentNullException.ThrowIfNull(writer);
        int total = GetEncodedLength(message, version);
        int written = Write(writer.GetSpan(total), message, version);
        writer.Advance(written);
    }

    /// <summary>Encodes <paramref name="message"/> into a new array.</summary>
    public static byte[] Encode(MoqtControlMessage message, MoqtVersion version)
    {
        var bytes = new byte[GetEncodedLength(message, version)];
        Write(bytes, message, version);
        return bytes;
    }

    /// <summary>
    /// Parses one control message from the start of <paramref name="buffer"/>. On success the buffer is advanced
    /// past it. Returns false (buffer unchanged) when the message is incomplete.
    /// </summary>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, MoqtVersion version, out MoqtControlMessage message)
    {
        CheckVersion(version);
        message = null!;
        var reader = new SequenceReader<byte>(buffer);
        if (!Vi64.TryRead(ref reader, out ulong type))
            return false;
        Span<byte> lengthBytes = stackalloc byte[2];
        if (!reader.TryCopyTo(lengthBytes))
            return false;
        reader.Advance(2);
        int length = BinaryPrimitives.ReadUInt16BigEndian(lengthBytes);
        if (reader.Remaining < length)
        {
            // Reject unknown types as soon as the header is complete rather than waiting for the body.
            CheckKnownType(type);
            return false;
        }

        ReadOnlySequence<byte> body = reader.UnreadSequence.Slice(0, length);
        if (body.IsSingleSegment)
        {
            message = ReadBody(type, body.FirstSpan, version);
        }
        else
        {
            byte[] rented = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                body.CopyTo(rented);
                message = ReadBody(type, rented.AsSpan(0, length), version);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        buffer = buffer.Slice(reader.Position).Slice(length);
        return true;
    }

    /// <summary>Parses one control message from a span; false when it is incomplete.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, MoqtVersion version, out MoqtControlMessage message, out int bytesRead)
    {
        CheckVersion(version);
        message = null!;
        bytesRead = 0;
        if (!Vi64.TryRead(source, out ulong type, out int typeLength))
            return false;
        if (source.Length < typeLength + 2)
            return false;
        int length = BinaryPrimitives.ReadUInt16BigEndian(source[typeLength..]);
        int headerLength = typeLength + 2;
        if (source.Length - headerLength < length)
        {
            CheckKnownType(type);
            return false;
        }

        message = ReadBody(type, source.Slice(headerLength, length), version);
        bytesRead = headerLength + length;
        return true;
    }

    private static void CheckKnownType(ulong type)
    {
        if (!Enum.IsDefined((MoqtMessageType)type))
            ThrowHelper.ProtocolViolation($"unknown control message type 0x{type:x}");
    }

    private static void CheckVersion(MoqtVersion version)
    {
        if (version != MoqtVersion.Draft19)
            throw new ArgumentOutOfRangeException(nameof(version), version, "Unsupported MOQT version.");
    }

    /// <summary>Decodes a complete body; it must be consumed exactly.</summary>
    internal static MoqtControlMessage ReadBody(ulong type, ReadOnlySpan<byte> body, MoqtVersion version)
    {
        var reader = new MoqtBodyReader(body);
        MoqtControlMessage message = (MoqtMessageType)type switch
        {
            MoqtMessageType.Setup => Setup.ReadBody(ref reader, version),
            MoqtMessageType.GoAway => GoAway.ReadBody(ref reader, version),
            MoqtMessageType.Subscribe => Subscribe.ReadBody(ref reader, version),
            MoqtMessageType.SubscribeOk => SubscribeOk.ReadBody(ref reader, version),
            MoqtMessageType.Publish => Publish.ReadBody(ref reader, version),
            MoqtMessageType.PublishDone => PublishDone.ReadBody(ref reader, version),
            MoqtMessageType.Fetch => Fetch.ReadBody(ref reader, version),
            MoqtMessageType.FetchOk => FetchOk.ReadBody(ref reader, version),
            MoqtMessageType.TrackStatus => TrackStatus.ReadBody(ref reader, version),
            MoqtMessageType.PublishNamespace => PublishNamespace.ReadBody(ref reader, version),
            MoqtMessageType.SubscribeNamespace => SubscribeNamespace.ReadBody(ref reader, version),
            MoqtMessageType.SubscribeTracks => SubscribeTracks.ReadBody(ref reader, version),
            MoqtMessageType.Namespace => Namespace.ReadBody(ref reader, version),
            MoqtMessageType.NamespaceDone => NamespaceDone.ReadBody(ref reader, version),
            MoqtMessageType.PublishSkipped => PublishSkipped.ReadBody(ref reader, version),
            MoqtMessageType.RequestUpdate => RequestUpdate.ReadBody(ref reader, version),
            MoqtMessageType.RequestOk => RequestOk.ReadBody(ref reader, version),
            MoqtMessageType.RequestError => RequestError.ReadBody(ref reader, version),
            _ => ThrowHelper.ProtocolViolation<MoqtControlMessage>($"unknown control message type 0x{type:x}"),
        };
        reader.ExpectEnd(message.Type.ToString());
        return message;
    }
}
