namespace MoqLive.Http3.Internal;

/// <summary>A read-only <see cref="System.IO.Stream"/> over a message body (DATA frame payloads).</summary>
internal sealed class Http3BodyReadStream : Stream
{
    private readonly Func<Memory<byte>, CancellationToken, ValueTask<int>> _read;

    public Http3BodyReadStream(Func<Memory<byte>, CancellationToken, ValueTask<int>> read)
    {
        _read = read;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _read(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _read(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("Use ReadAsync; HTTP/3 bodies are read asynchronously.");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
