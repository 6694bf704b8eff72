using MoqLive.Quic.Streams;
using MoqLive.Testing;

namespace MoqLive.Quic.Tests.Streams;

/// <summary>
/// Seeded property tests for the pooled stream buffers: whatever the order, overlap and size of the pieces, the bytes
/// that come out are the bytes that went in.
/// </summary>
public class StreamBufferPropertyTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Assembler_OutOfOrderOverlappingDuplicateFrames_ReadBackExactly(int seed)
    {
        var random = new Random(seed);
        byte[] stream = new byte[200_000];
        random.NextBytes(stream);
        // Frames of random sizes covering the stream, sent in a shuffled order with duplicates and overlaps.
        var frames = new List<(int Offset, int Length)>();
        for (int offset = 0; offset < stream.Length;)
        {
            int length = Math.Min(random.Next(1, 3000), stream.Length - offset);
            frames.Add((offset, length));
            if (random.Next(4) == 0) frames.Add((Math.Max(0, offset - random.Next(500)), Math.Min(length + 700, stream.Length - Math.Max(0, offset - 500))));
            offset += length;
        }
        var order = frames.OrderBy(_ => random.Next()).ToList();

        var assembler = new StreamAssembler();
        var output = new List<byte>();
        byte[] readBuffer = new byte[4096];
        foreach (var (offset, length) in order)
        {
            int end = Math.Min(stream.Length, offset + length);
            assembler.Insert((ulong)offset, stream.AsSpan(offset, end - offset));
            // Read in small, uneven pieces so chunks are split.
            while (assembler.HasReadableData && random.Next(3) != 0)
            {
                int n = assembler.Read(readBuffer.AsSpan(0, random.Next(1, readBuffer.Length)));
                output.AddRange(readBuffer.AsSpan(0, n).ToArray());
            }
        }
        int read;
        while ((read = assembler.Read(readBuffer)) > 0) output.AddRange(readBuffer.AsSpan(0, read).ToArray());

        Assert.True(assembler.IsCompleteUpTo((ulong)stream.Length));
        Assert.Equal(0UL, assembler.Buffered);
        Assert.Equal(stream, output.ToArray());
    }

    [Fact]
    public void Assembler_DiscardAll_ReleasesBufferedAndSkipsToHighestReceived()
    {
        var assembler = new StreamAssembler();
        assembler.Insert(100, new byte[50]);
        assembler.Insert(0, new byte[10]);
        Assert.Equal(60UL, assembler.DiscardAll());
        Assert.Equal(150UL, assembler.ReadOffset);
        Assert.False(assembler.HasReadableData);
        assembler.Insert(150, [7]);
        Span<byte> one = stackalloc byte[1];
        Assert.Equal(1, assembler.Read(one));
        Assert.Equal(7, one[0]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void SendBuffer_WritesOfAnySize_CopyOutExactlyAndReleaseOnAck(int seed)
    {
        var random = new Random(seed);
        byte[] stream = new byte[300_000];
        random.NextBytes(stream);
        var buffer = new SendBuffer();
        for (int offset = 0; offset < stream.Length;)
        {
            // Mostly small writes (which share segments), some larger than a pooled array.
            int length = Math.Min(random.Next(8) == 0 ? random.Next(60_000, 70_000) : random.Next(1, 5000), stream.Length - offset);
            buffer.Write(stream.AsSpan(offset, length));
            offset += length;
        }

        // Send in packet-size ranges, ack them out of order, and check every range reads back right while held.
        var sent = new List<(ulong Offset, int Length)>();
        while (buffer.TryNextRange(random.Next(1, 1500), ulong.MaxValue, out ulong off, out int len, out _))
        {
            byte[] copy = new byte[len];
            buffer.CopyTo(off, copy);
            Assert.Equal(stream.AsSpan((int)off, len).ToArray(), copy);
            sent.Add((off, len));
        }
        foreach (var (off, len) in sent.OrderBy(_ => random.Next()))
        {
            buffer.OnAcked(off, len);
            if (buffer.AckedPrefix < buffer.WriteOffset)
            {
                // What is not yet acknowledged in order is still held and still right.
                int probe = (int)Math.Min(100, buffer.WriteOffset - buffer.AckedPrefix);
                byte[] copy = new byte[probe];
                buffer.CopyTo(buffer.AckedPrefix, copy);
                Assert.Equal(stream.AsSpan((int)buffer.AckedPrefix, probe).ToArray(), copy);
            }
        }

        Assert.True(buffer.IsFullyAcked);
        Assert.Equal(0UL, buffer.Buffered);
    }

    [Fact]
    public void SendBuffer_ObjectSizedWrites_FillArraysBeforeRentingMore()
    {
        // A relay writes 4,213-byte objects (header + 4,166-byte payload) to each subscriber's stream. The pool hands out
        // 8 KiB arrays for them; filling each array's tail before renting keeps the memory held close to the data
        // (one array per object would hold 30 x 8 KiB for 126 KB).
        var buffer = new SendBuffer();
        byte[] item = new byte[4213];
        for (int i = 0; i < 30; i++)
        {
            item.AsSpan().Fill((byte)i);
            buffer.Write(item);
        }

        // The slack is the last array's unused tail: up to 32 KiB, as the pool may hand out a bucket two sizes above.
        Assert.InRange(buffer.Capacity, 30 * item.Length, 30 * item.Length + 32768);
        byte[] all = new byte[30 * item.Length];
        buffer.CopyTo(0, all);
        for (int i = 0; i < 30; i++)
            Assert.All(all.AsSpan(i * item.Length, item.Length).ToArray(), b => Assert.Equal((byte)i, b));
        buffer.OnAcked(0, all.Length);
        Assert.Equal(0, buffer.Capacity);
    }

    [Fact]
    public void SendBuffer_SharedWrite_ReferencedNotCopied_ReleasedWhenItsLastByteIsAcked()
    {
        // A relay writes a small header (copied) and then the cached payload (shared) for every object. The payload is
        // larger than any array the pool can hand out for the header (it may give a bucket up to two sizes above 4 KiB
        // when the 4 KiB one is empty), so a copied payload would show in the capacity.
        var payload = new CountingSharedBuffer(Enumerable.Range(0, 40_000).Select(i => (byte)i).ToArray());
        var buffer = new SendBuffer();
        buffer.Write([0xAA, 0xBB, 0xCC]);
        buffer.WriteShared(payload, 0, 40_000);
        Assert.Equal(2, payload.RefCount);
        Assert.Equal(40_003UL, buffer.Buffered);
        Assert.InRange(buffer.Capacity, 4096, 16384); // the header's array only: the payload is not ours

        byte[] all = new byte[40_003];
        buffer.CopyTo(0, all);
        Assert.Equal([0xAA, 0xBB, 0xCC], all[..3]);
        Assert.Equal(payload.Memory.ToArray(), all[3..]);

        Assert.True(buffer.TryNextRange(2000, ulong.MaxValue, out _, out _, out _));
        Assert.True(buffer.TryNextRange(50_000, ulong.MaxValue, out _, out _, out _));
        buffer.OnAcked(2000, 38_003); // the tail first: the prefix is not acknowledged yet
        Assert.Equal(2, payload.RefCount);
        buffer.OnAcked(0, 2000);
        Assert.Equal(1, payload.RefCount);
        Assert.Equal(0, buffer.Capacity);
        Assert.Equal(0UL, buffer.Buffered);
    }

    [Fact]
    public void SendBuffer_Clear_ReleasesEverySharedReferenceOnce()
    {
        // RESET_STREAM and connection close: unacknowledged shared data is dropped at once, sent or not.
        var first = new CountingSharedBuffer(new byte[3000]);
        var second = new CountingSharedBuffer(new byte[3000]);
        var buffer = new SendBuffer();
        buffer.Write([1]);
        buffer.WriteShared(first, 0, 3000);
        buffer.Write([2]);
        buffer.WriteShared(second, 1000, 2000);
        buffer.WriteShared(second, 0, 1000);
        Assert.True(buffer.TryNextRange(1500, ulong.MaxValue, out _, out _, out _));
        buffer.OnAcked(0, 1500);
        Assert.Equal(2, first.RefCount);
        Assert.Equal(3, second.RefCount);

        buffer.Clear();
        Assert.Equal(1, first.RefCount);
        Assert.Equal(1, second.RefCount);
        Assert.Equal(0, buffer.Capacity);
        buffer.Clear(); // idempotent: nothing is released twice (the counting buffer would throw)
        Assert.Equal(1, first.RefCount);
    }

    [Fact]
    public void SendBuffer_WriteShared_ReleasedBuffer_Throws()
    {
        var payload = new CountingSharedBuffer(new byte[10]);
        payload.Release();
        var buffer = new SendBuffer();
        Assert.Throws<ObjectDisposedException>(() => buffer.WriteShared(payload, 0, 10));
        Assert.Equal(0UL, buffer.Buffered);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public void SendBuffer_MixedCopiedAndSharedWrites_ByteExactAndEveryReferenceReleasedOnAck(int seed)
    {
        var random = new Random(seed);
        var expected = new List<byte>();
        var shared = new List<CountingSharedBuffer>();
        var buffer = new SendBuffer();
        for (int i = 0; i < 200; i++)
        {
            byte[] bytes = new byte[random.Next(1, 9000)];
            random.NextBytes(bytes);
            if (random.Next(2) == 0)
            {
                // A header (copied), sometimes longer than the rest of the current array.
                byte[] header = new byte[random.Next(4) == 0 ? random.Next(3000, 6000) : random.Next(1, 40)];
                random.NextBytes(header);
                buffer.Write(header);
                expected.AddRange(header);
            }
            var payload = new CountingSharedBuffer(bytes);
            int offset = random.Next(bytes.Length);
            buffer.WriteShared(payload, offset, bytes.Length - offset);
            expected.AddRange(bytes[offset..]);
            shared.Add(payload);
        }

        byte[] all = new byte[buffer.WriteOffset];
        buffer.CopyTo(0, all);
        Assert.Equal(expected.ToArray(), all);
        var sent = new List<(ulong Offset, int Length)>();
        while (buffer.TryNextRange(random.Next(1, 1500), ulong.MaxValue, out ulong off, out int len, out _))
        {
            byte[] copy = new byte[len];
            buffer.CopyTo(off, copy);
            Assert.Equal(all.AsSpan((int)off, len).ToArray(), copy);
            sent.Add((off, len));
        }
        foreach (var (off, len) in sent.OrderBy(_ => random.Next()))
            buffer.OnAcked(off, len);

        Assert.True(buffer.IsFullyAcked);
        Assert.All(shared, p => Assert.Equal(1, p.RefCount));
        Assert.Equal(0, buffer.Capacity);
    }
}
