namespace MoqLive.Moqt.Model;

/// <summary>SUBSCRIBE_NAMESPACE outcome: Ok carries the stream of namespace changes.</summary>
public sealed class SubscribeNamespaceResult : RequestResult<NamespaceConsumer>
{
    private SubscribeNamespaceResult(NamespaceConsumer? value, RequestErrorCode code, string reason, TimeSpan? retry)
        : base(value, code, reason, retry)
    {
    }

    /// <summary>Success (REQUEST_OK); the subscriber owns <paramref name="namespaces"/>.</summary>
    public static SubscribeNamespaceResult Ok(NamespaceConsumer namespaces)
    {
        ArgumentNullException.ThrowIfNull(namespaces);
        return new SubscribeNamespaceResult(namespaces, default, string.Empty, null);
    }

    /// <summary>Failure.</summary>
    public static SubscribeNamespaceResult Error(RequestErrorCode code, string reason, TimeSpan? retryInterval = null)
        => new(null, code, reason ?? string.Empty, retryInterval);
}
