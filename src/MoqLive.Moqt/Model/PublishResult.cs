namespace MoqLive.Moqt.Model;

/// <summary>PUBLISH outcome: Ok (PUBLISH_OK) or Error (e.g. UNINTERESTED).</summary>
public sealed class PublishResult : RequestResult<PublishOk>
{
    private PublishResult(PublishOk? value, RequestErrorCode code, string reason, TimeSpan? retry)
        : base(value, code, reason, retry)
    {
    }

    /// <summary>Success.</summary>
    public static PublishResult Ok(PublishOk ok)
    {
        ArgumentNullException.ThrowIfNull(ok);
        return new PublishResult(ok, default, string.Empty, null);
    }

    /// <summary>Failure.</summary>
    public static PublishResult Error(RequestErrorCode code, string reason, TimeSpan? retryInterval = null)
        => new(null, code, reason ?? string.Empty, retryInterval);
}
