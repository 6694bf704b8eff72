using System.Buffers;
using MoqLive.Http3.Frames;
using MoqLive.Http3.QPack;
using MoqLive.Transport;
using MoqLive.Transport.Encoding;

namespace MoqLive.Http3.Internal;

/// <summary>
/// Writes one HTTP message onto a request stream's send side: HEADERS, DATA frames, optional trailers, FIN
/// (RFC 9114 §4.1). Writes are serialised; each frame is handed to the transport as one contiguous buffer.
/// </summary>
internal sealed class Http3MessageWriter
{
    private readonly ITransportSendStream _stream;
    private readonly SemaphoreSlim _lock = new(1, 1);

    public Http3MessageWriter(ITransportSendStream stream)
    {
        _stream = stream;
    }

    /// <summary>The send side.</summary>
    public ITransportSendStream Stream => _stream;

    /// <summary>True once FIN was sent.</summary>
    public bool IsCompleted { get; private set; }

    /// <summary>Writes a HEADERS frame with the QPACK-encoded <paramref name="fields"/>.</summary>
    public async ValueTask WriteHeadersAsync(IEnumerable<HeaderField> fields, bool endStream, CancellationToken cancellationToken)
    {
        var section = new ArrayBufferWriter<byte>(256);
        QPackEncoder.Encode(fields, section);
        var frame = new ArrayBufferWriter<byte>(section.WrittenCount + 16);
        Http3FrameWriter.WriteHeaders(frame, section.WrittenSpan);
        await WriteAsync(frame.WrittenMemory, endStream, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes one DATA frame carrying <paramref name="data"/> (nothing for empty data unless ending the stream).</summary>
    public async ValueTask WriteDataAsync(ReadOnlyMemory<byte> data, bool endStream, CancellationToken cancellationToken)
    {
        if (data.IsEmpty)
        {
            if (endStream)
                await WriteAsync(ReadOnlyMemory<byte>.Empty, true, cancellationToken).ConfigureAwait(false);
            return;
        }

        int headerLength = Http3FrameWriter.GetFrameHeaderLength((ulong)Http3FrameType.Data, (ulong)data.Length);
        int total = headerLength + data.Length;
        byte[] rented = ArrayPool<byte>.Shared.Rent(total);
        try
        {
            int written = QuicVarInt.Write(rented, (ulong)Http3FrameType.Data);
            written += QuicVarInt.Write(rented.AsSpan(written), (ulong)data.Length);
            data.Span.CopyTo(rented.AsSpan(written));
            await WriteAsync(rented.AsMemory(0, total), endStream, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Writes raw bytes (already framed, or WebTransport payload after the stream header).</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, bool endStream, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (IsCompleted)
                throw new InvalidOperationException("The message was already completed.");
            await _stream.WriteAsync(bytes, endStream, cancellationToken).ConfigureAwait(false);
            if (endStream)
                IsCompleted = true;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Sends FIN if not yet sent.</summary>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (IsCompleted)
                return;
            await _stream.CompleteWritesAsync(cancellationToken).ConfigureAwait(false);
            IsCompleted = true;
        }
        finally
        {
            _lock.Release();
        }
    }
}
