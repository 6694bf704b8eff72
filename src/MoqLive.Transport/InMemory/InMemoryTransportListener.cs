using System.Threading.Channels;

namespace MoqLive.Transport.InMemory;

/// <summary>
/// An in-process listener: <see cref="ConnectAsync"/> creates an <see cref="InMemorySessionPair"/>, returns the
/// client end and queues the server end for <see cref="AcceptSessionAsync"/>. Lets relay and server code that
/// takes an <see cref="ITransportListener"/> run in tests without sockets.
/// </summary>
public sealed class InMemoryTransportListener : ITransportListener
{
    private readonly InMemorySessionOptions _options;
    private readonly Channel<InMemorySession> _pending;

    /// <param name="options">Options for every pair this listener creates.</param>
    /// <param name="backlog">Connections queued before <see cref="ConnectAsync"/> waits for an accept.</param>
    public InMemoryTransportListener(InMemorySessionOptions? options = null, int backlog = 16)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(backlog);
        _options = options ?? InMemorySessionOptions.Default;
        _options.Validate();
        _pending = Channel.CreateBounded<InMemorySession>(new BoundedChannelOptions(backlog)
        {
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>
    /// Connects a new client session, waiting while the backlog is full. Throws <see cref="ObjectDisposedException"/>
    /// once the listener is disposed.
    /// </summary>
    public async ValueTask<InMemorySession> ConnectAsync(CancellationToken cancellationToken = default)
    {
        (InMemorySession client, InMemorySession server) = InMemorySessionPair.Create(_options);
        try
        {
            await _pending.Writer.WriteAsync(server, cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch (ChannelClosedException)
        {
            await client.CloseAsync(0, "listener disposed", CancellationToken.None).ConfigureAwait(false);
            throw new ObjectDisposedException(nameof(InMemoryTransportListener));
        }
        catch (OperationCanceledException)
        {
            await client.CloseAsync(0, "connect canceled", CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<ITransportSession> AcceptSessionAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _pending.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(InMemoryTransportListener));
        }
    }

    /// <summary>Stops accepting; sessions connected but not yet accepted are closed with code 0.</summary>
    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        while (_pending.Reader.TryRead(out InMemorySession? server))
            await server.CloseAsync(0, "listener disposed").ConfigureAwait(false);
    }
}
