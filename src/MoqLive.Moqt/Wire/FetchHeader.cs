using System.Buffers;

namespace MoqLive.Moqt.Wire;

/// <summary>FETCH_HEADER (draft-ietf-moq-transport-19 §"Fetch Header"): Type (0x05), Request ID.</summary>
public sealed record FetchHeader(ulong RequestId)
{
    /// <summary>Encoded length, including the stream type.</summary>
    public int GetEncodedLength() => Vi64.GetEncodedLength(MoqtStreamType.FetchHeader) + Vi64.GetEncodedLength(RequestId);

    public int Write(Span<byte> destination)
    {
        var writer = new MoqtSpanWriter(destination[..GetEncodedLength()]);
        writer.WriteVi64(MoqtStreamType.FetchHeader);
        writer.WriteVi64(RequestId);
        return writer.Position;
    }

    /// <summary>Reads the header, type included; false (reader unchanged) when incomplete; another type is a PROTOCOL_VIOLATION.</summary>
    public static bool TryRead(ref SequenceReader<byte> reader, out FetchHeader header)
    {
        header = null!;
        SequenceReader<byte> start = reader;
        if (!Vi64.TryRead(ref reader, out ulong type))
            return false;
        if (type != MoqtStreamType.FetchHeader)
            ThrowHelper.ProtocolViolation($"stream type 0x{type:x} is not FETCH_HEADER");
        if (!Vi64.TryRead(ref reader, out ulong requestId))
        {
            reader = start;
            return false;
        }

        header = new FetchHeader(requestId);
        return true;
    }
}
