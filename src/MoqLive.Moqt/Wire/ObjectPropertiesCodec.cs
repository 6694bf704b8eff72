using System.Buffers;

namespace MoqLive.Moqt.Wire;

/// <summary>Object Properties: Properties Length (vi64) then Key-Value-Pairs (draft-ietf-moq-transport-19 §"Object Properties").</summary>
internal static class ObjectPropertiesCodec
{
    public static int GetEncodedLength(IReadOnlyList<MoqtKeyValuePair> properties) =>
        WireLimits.LengthPrefixed(KeyValuePairCodec.GetEncodedLength(properties));

    public static void Write(ref MoqtSpanWriter writer, IReadOnlyList<MoqtKeyValuePair> properties)
    {
        writer.WriteVi64((ulong)KeyValuePairCodec.GetEncodedLength(properties));
        KeyValuePairCodec.Write(ref writer, properties);
    }

    /// <summary>Reads a length-prefixed properties block from a stream; false when incomplete.</summary>
    public static bool TryRead(ref SequenceReader<byte> reader, out IReadOnlyList<MoqtKeyValuePair> properties)
    {
        properties = [];
        if (!Vi64.TryRead(ref reader, out ulong length))
            return false;
        if (length > int.MaxValue)
            ThrowHelper.ProtocolViolation($"Properties Length {length} is too large");
        if (reader.Remaining < (long)length)
            return false;
        if (length == 0)
            return true;

        ReadOnlySequence<byte> block = reader.UnreadSequence.Slice(0, (long)length);
        properties = Parse(block);
        reader.Advance((long)length);
        return true;
    }

    private static IReadOnlyList<MoqtKeyValuePair> Parse(ReadOnlySequence<byte> block)
    {
        if (block.IsSingleSegment)
        {
            var inner = new MoqtBodyReader(block.FirstSpan);
            return KeyValuePairCodec.ReadToEnd(ref inner);
        }

        byte[] copy = block.ToArray();
        var reader = new MoqtBodyReader(copy);
        return KeyValuePairCodec.ReadToEnd(ref reader);
    }
}
