using MoqLive.Transport;

namespace MoqLive.Quic.Transport;

/// <summary>A <see cref="QuicListener"/> handing out <see cref="QuicTransportSession"/>s.</summary>
public sealed class QuicTransportListener : ITransportListener
{
    /// <summary>Wraps a listener; this object owns it from now on.</summary>
    public QuicTransportListener(QuicListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        Listener = listener;
    }

    /// <summary>The underlying listener.</summary>
    public QuicListener Listener { get; }

    /// <summary>Starts listening.</summary>
    public static async ValueTask<QuicTransportListener> ListenAsync(QuicListenerOptions options, CancellationToken cancellationToken = default) =>
        new(await QuicListener.ListenAsync(options, cancellationToken).ConfigureAwait(false));

    public async ValueTask<ITransportSession> AcceptSessionAsync(CancellationToken cancellationToken = default) =>
        new QuicTransportSession(await Listener.AcceptConnectionAsync(cancellationToken).ConfigureAwait(false));

    public ValueTask DisposeAsync() => Listener.DisposeAsync();
}
