using System.Buffers;
using MoqLive.Moqt.Session.Internal;
using MoqLive.Moqt.Wire;
using MoqLive.Testing;
using MoqLive.Transport;

namespace MoqLive.Moqt.Tests.Session.Internal;

public sealed class StreamBufferTests
{
    /// <summary>A receive stream that hands out queued chunks, as much of the front one as the caller's buffer takes, and counts the reads.</summary>
    private sealed class ChunkStream(params byte[][] chunks) : ITransportReceiveStream
    {
        private readonly List<byte[]> _chunks = [.. chunks];

        public int Reads { get; private set; }

        public long Id => 2;

        public Task ReadsClosed => Task.CompletedTask;

        public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Reads++;
            if (_chunks.Count == 0)
                return ValueTask.FromResult(0);
            byte[] chunk = _chunks[0];
            int n = Math.Min(chunk.Length, buffer.Length);
            chunk.AsSpan(0, n).CopyTo(buffer.Span);
            if (n < chunk.Length)
                _chunks[0] = chunk[n..];
            else
                _chunks.RemoveAt(0);
            return ValueTask.FromResult(n);
        }

        public void Stop(ulong errorCode)
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Reserve_ObjectLargerThanTheBuffer_NextObjectOfThatSizeIsOneRead()
    {
        byte[] first = Bytes(6000, 1);
        byte[] second = Bytes(6000, 2);
        var stream = new ChunkStream(first, second);
        var buffer = new StreamBuffer(stream);

        Assert.True(await buffer.FillAsync(CancellationToken.None).AsTask().WithTimeout());
        Assert.True(buffer.Length < first.Length); // the initial buffer holds part of it
        byte[] received = new byte[first.Length];
        Assert.True(await buffer.ReadExactlyAsync(received, CancellationToken.None).AsTask().WithTimeout());
        Assert.Equal(first, received);
        Assert.Equal(2, stream.Reads);

        buffer.Reserve(second.Length);
        Assert.True(await buffer.FillAsync(CancellationToken.None).AsTask().WithTimeout());
        Assert.Equal(second.Length, buffer.Length);
        Assert.Equal(3, stream.Reads);
        Assert.Equal(second, buffer.Data.ToArray());
        buffer.Release();
    }

    [Fact]
    public async Task Reserve_WithUnparsedBytes_KeepsThemInOrder()
    {
        var stream = new ChunkStream(Bytes(3000, 7), Bytes(10_000, 9));
        var buffer = new StreamBuffer(stream);
        Assert.True(await buffer.FillAsync(CancellationToken.None).AsTask().WithTimeout());
        buffer.Consume(1000);
        buffer.Reserve(12_000);
        Assert.True(await buffer.FillAsync(CancellationToken.None).AsTask().WithTimeout());
        Assert.Equal([.. Bytes(3000, 7)[1000..], .. Bytes(10_000, 9)], buffer.Data.ToArray());
    }

    [Fact]
    public async Task FillAsync_UnparsedDataBeyondMaxBuffered_ThrowsEvenWhenThePoolGaveALargerArray()
    {
        // The pool hands out power-of-two arrays (128 KiB for 80 KiB): the bound stays MaxBuffered.
        var stream = new ChunkStream(Bytes(StreamBuffer.MaxBuffered + 1, 3));
        var buffer = new StreamBuffer(stream);
        buffer.Reserve(StreamBuffer.MaxBuffered);
        Assert.True(await buffer.FillAsync(CancellationToken.None).AsTask().WithTimeout());
        Assert.Equal(StreamBuffer.MaxBuffered, buffer.Length);
        await Assert.ThrowsAsync<MoqtProtocolException>(() => buffer.FillAsync(CancellationToken.None).AsTask());
    }

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
