using System.Buffers;
using MoqLive.Moqt.Wire;
using GroupOrder = MoqLive.Moqt.Model.GroupOrder;

namespace MoqLive.Moqt.Tests.Wire;

/// <summary>A subgroup stream as a vector: header then objects with payloads.</summary>
internal sealed record SubgroupStream(SubgroupHeader Header, IReadOnlyList<SubgroupStreamObject> Objects)
{
    public byte[] Encode()
    {
        var buffer = new ArrayBufferWriter<byte>();
        int headerLength = Header.GetEncodedLength();
        buffer.Advance(Header.Write(buffer.GetSpan(headerLength)));
        ulong? previous = null;
        foreach (SubgroupStreamObject obj in Objects)
        {
            int length = obj.Header.GetEncodedLength(Header, previous);
            buffer.Advance(obj.Header.Write(buffer.GetSpan(length), Header, previous));
            buffer.Write(obj.Payload.Span);
            previous = obj.Header.ObjectId;
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes a complete stream (FIN at the end); a partial object at the end is an error.</summary>
    public static SubgroupStream Decode(ReadOnlySequence<byte> bytes)
    {
        var reader = new SequenceReader<byte>(bytes);
        if (!SubgroupHeader.TryRead(ref reader, out SubgroupHeader header))
            throw new InvalidDataException("truncated header");
        var objects = new List<SubgroupStreamObject>();
        ulong? previous = null;
        while (!reader.End)
        {
            if (!SubgroupObjectHeader.TryReadWithPayload(ref reader, header, previous, out SubgroupObjectHeader objectHeader, out ReadOnlySequence<byte> payload))
                throw new InvalidDataException("truncated object");
            objects.Add(new SubgroupStreamObject(objectHeader, payload.ToArray()));
            previous = objectHeader.ObjectId;
        }

        return new SubgroupStream(header, objects);
    }
}

internal sealed record SubgroupStreamObject(SubgroupObjectHeader Header, ReadOnlyMemory<byte> Payload);

/// <summary>A FETCH stream as a vector: header, the fetch's group order, then entries with payloads.</summary>
internal sealed record FetchStream(FetchHeader Header, GroupOrder GroupOrder, IReadOnlyList<FetchStreamEntry> Entries)
{
    public byte[] Encode()
    {
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Advance(Header.Write(buffer.GetSpan(Header.GetEncodedLength())));
        var state = new FetchStreamState(GroupOrder);
        foreach (FetchStreamEntry entry in Entries)
        {
            int length = entry.Header.GetEncodedLength(state);
            buffer.Advance(entry.Header.Write(buffer.GetSpan(length), state));
            buffer.Write(entry.Payload.Span);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static FetchStream Decode(ReadOnlySequence<byte> bytes, GroupOrder order)
    {
        var reader = new SequenceReader<byte>(bytes);
        if (!FetchHeader.TryRead(ref reader, out FetchHeader header))
            throw new InvalidDataException("truncated header");
        var state = new FetchStreamState(order);
        var entries = new List<FetchStreamEntry>();
        while (!reader.End)
        {
            if (!FetchObjectHeader.TryReadWithPayload(ref reader, state, out FetchObjectHeader entry, out ReadOnlySequence<byte> payload))
                throw new InvalidDataException("truncated entry");
            entries.Add(new FetchStreamEntry(entry, payload.ToArray()));
        }

        return new FetchStream(header, order, entries);
    }
}

internal sealed record FetchStreamEntry(FetchObjectHeader Header, ReadOnlyMemory<byte> Payload);
