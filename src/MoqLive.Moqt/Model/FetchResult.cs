namespace MoqLive.Moqt.Model;

/// <summary>FETCH outcome: <see cref="Ok"/> (FETCH_OK + data) or <see cref="Error"/> (REQUEST_ERROR).</summary>
public sealed class FetchResult : RequestResult<FetchOk>
{
    private FetchResult(FetchOk? value, RequestErrorCode code, string reason, TimeSpan? retry)
        : base(value, code, reason, retry)
    {
    }

    /// <summary>Success.</summary>
    public static FetchResult Ok(FetchOk ok)
    {
        ArgumentNullException.ThrowIfNull(ok);
        return new FetchResult(ok, default, string.Empty, null);
    }

    /// <summary>Failure.</summary>
    public static FetchResult Error(RequestErrorCode code, string reason, TimeSpan? retryInterval = null)
        => new(null, code, reason ?? string.Empty, retryInterval);
}
