namespace MoqLive.Http3.Internal;

/// <summary>A write-only <see cref="System.IO.Stream"/> that sends each write as DATA frames.</summary>
internal sealed class Http3BodyWriteStream : Stream
{
    private readonly Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> _write;

    public Http3BodyWriteStream(Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> write)
    {
        _write = write;
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _write(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _write(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("Use WriteAsync; HTTP/3 bodies are written asynchronously.");

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
