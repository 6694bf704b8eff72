namespace MoqLive.Moqt.Model;

/// <summary>
/// PUBLISH_NAMESPACE outcome. Ok carries the registration: the publisher disposes it to withdraw the namespace
/// (request cancellation of PUBLISH_NAMESPACE, or the session went away).
/// </summary>
public sealed class PublishNamespaceResult : RequestResult<IAsyncDisposable>
{
    private PublishNamespaceResult(IAsyncDisposable? value, RequestErrorCode code, string reason, TimeSpan? retry)
        : base(value, code, reason, retry)
    {
    }

    /// <summary>Success (REQUEST_OK).</summary>
    public static PublishNamespaceResult Ok(IAsyncDisposable registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        return new PublishNamespaceResult(registration, default, string.Empty, null);
    }

    /// <summary>Failure.</summary>
    public static PublishNamespaceResult Error(RequestErrorCode code, string reason, TimeSpan? retryInterval = null)
        => new(null, code, reason ?? string.Empty, retryInterval);
}
