using MoqLive.Moqt.Model;

namespace MoqLive.Relay.Internal;

/// <summary>A PUBLISH_NAMESPACE accepted by the relay. Disposing it withdraws the namespace.</summary>
internal sealed class PublisherRegistration(MoqtRelay relay, TrackNamespace trackNamespace, IPublisher publisher, long order) : IAsyncDisposable
{
    private int _disposed;

    public TrackNamespace Namespace { get; } = trackNamespace;

    public IPublisher Publisher { get; } = publisher;

    /// <summary>Registration order: among equally specific matches the newest publisher wins.</summary>
    public long Order { get; } = order;

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            relay.Withdraw(this);
        return ValueTask.CompletedTask;
    }
}
