namespace MoqLive.Moqt.Model;

/// <summary>
/// The reading half of a SUBSCRIBE_NAMESPACE: NAMESPACE / NAMESPACE_DONE changes under the prefix. A session serving
/// SUBSCRIBE_NAMESPACE reads it and writes NAMESPACE / NAMESPACE_DONE with the suffix after <see cref="Prefix"/>.
/// Dispose to cancel the namespace subscription.
/// </summary>
public sealed class NamespaceConsumer : IDisposable
{
    private readonly NamespaceProducer _producer;

    internal NamespaceConsumer(NamespaceProducer producer) => _producer = producer;

    /// <summary>The subscribed prefix.</summary>
    public TrackNamespace Prefix => _producer.Prefix;

    /// <summary>The next change, or null when the producer completed or this consumer was disposed.</summary>
    public ValueTask<NamespaceEvent?> NextAsync(CancellationToken cancellationToken = default)
        => _producer.NextAsync(cancellationToken);

    /// <summary>Cancels the namespace subscription.</summary>
    public void Dispose() => _producer.Cancel();
}
