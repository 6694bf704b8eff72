namespace MoqLive.Moqt.Wire;

/// <summary>
/// Encodes and decodes sequences of Key-Value-Pairs. Types are delta-encoded from the previous type
/// (draft-19 §"Key-Value-Pair Structure"), so a sequence must be written in non-decreasing type order.
/// </summary>
internal static class KeyValuePairCodec
{
    public static int GetEncodedLength(IReadOnlyList<MoqtKeyValuePair> pairs)
    {
        int length = 0;
        ulong previous = 0;
        foreach (MoqtKeyValuePair pair in pairs)
        {
            if (pair.Type < previous)
                throw new ArgumentException("Key-Value-Pairs must be in non-decreasing type order (types are delta-encoded).", nameof(pairs));
            length += Vi64.GetEncodedLength(pair.Type - previous);
            length += pair.IsBytes ? WireLimits.LengthPrefixed(pair.Bytes.Length) : Vi64.GetEncodedLength(pair.Value);
            previous = pair.Type;
        }

        return length;
    }

    public static void Write(ref MoqtSpanWriter writer, IReadOnlyList<MoqtKeyValuePair> pairs)
    {
        ulong previous = 0;
        foreach (MoqtKeyValuePair pair in pairs)
        {
            writer.WriteVi64(pair.Type - previous);
            if (pair.IsBytes)
                writer.WriteLengthPrefixed(pair.Bytes.Span);
            else
                writer.WriteVi64(pair.Value);
            previous = pair.Type;
        }
    }

    /// <summary>Reads pairs until <paramref name="reader"/> is exhausted.</summary>
    public static IReadOnlyList<MoqtKeyValuePair> ReadToEnd(ref MoqtBodyReader reader)
    {
        if (reader.End)
            return [];

        var pairs = new List<MoqtKeyValuePair>();
        ulong previous = 0;
        while (!reader.End)
        {
            ulong delta = reader.ReadVi64();
            if (delta > ulong.MaxValue - previous)
                ThrowHelper.ProtocolViolation("Key-Value-Pair Delta Type overflows 2^64 - 1");
            ulong type = previous + delta;
            previous = type;
            if ((type & 1) == 0)
            {
                pairs.Add(MoqtKeyValuePair.FromInt(type, reader.ReadVi64()));
            }
            else
            {
                ulong length = reader.ReadVi64();
                if (length > WireLimits.MaxKeyValueLength)
                    ThrowHelper.ProtocolViolation($"Key-Value-Pair length {length} exceeds 65535");
                pairs.Add(MoqtKeyValuePair.FromBytes(type, reader.ReadBytes((int)length).ToArray()));
            }
        }

        return pairs;
    }

    /// <summary>Reads a Properties Length-prefixed block (Object Properties).</summary>
    public static IReadOnlyList<MoqtKeyValuePair> ReadLengthPrefixed(ref MoqtBodyReader reader)
    {
        ulong length = reader.ReadVi64();
        if (length > (ulong)reader.Remaining)
            ThrowHelper.ProtocolViolation("Properties Length runs past the end of its container");
        var inner = new MoqtBodyReader(reader.ReadBytes((int)length));
        return ReadToEnd(ref inner);
    }
}
