using MoqLive.Moqt.Model;
using MoqLive.Moqt.Wire;
using MoqLive.Transport;

namespace MoqLive.Moqt.Session.Internal;

/// <summary>
/// One bidirectional request stream (draft-ietf-moq-transport-19 §"Session initialization"): serialized message
/// writes, buffered message reads, and cancellation (RESET_STREAM on the send side, STOP_SENDING on the receive side).
/// </summary>
internal sealed class RequestStream
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly MoqtVersion _version;
    private int _finished;

    public RequestStream(ITransportStream stream, MoqtVersion version)
    {
        Stream = stream;
        _version = version;
        Reader = new StreamBuffer(stream);
    }

    public ITransportStream Stream { get; }

    public StreamBuffer Reader { get; }

    public ValueTask<MoqtControlMessage?> ReadAsync(CancellationToken cancellationToken) => Reader.ReadMessageAsync(_version, cancellationToken);

    public async ValueTask WriteAsync(MoqtControlMessage message, bool fin = false, CancellationToken cancellationToken = default)
    {
        byte[] bytes = ControlMessageCodec.Encode(message, _version);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (fin)
                Interlocked.Exchange(ref _finished, 1);
            await Stream.WriteAsync(bytes, fin, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>FIN our direction (idempotent).</summary>
    public async ValueTask FinishAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0)
            return;
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Stream.CompleteWritesAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Cancels the request (§"Request Cancellation and Rejection"): reset what we send, stop what we receive.</summary>
    public void Cancel(StreamResetCode code)
    {
        Interlocked.Exchange(ref _finished, 1);
        Stream.Reset((ulong)code);
        Reader.Stop((ulong)code);
    }
}
