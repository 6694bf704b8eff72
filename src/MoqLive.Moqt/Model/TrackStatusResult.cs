namespace MoqLive.Moqt.Model;

/// <summary>TRACK_STATUS outcome.</summary>
public sealed class TrackStatusResult : RequestResult<TrackStatusOk>
{
    private TrackStatusResult(TrackStatusOk? value, RequestErrorCode code, string reason, TimeSpan? retry)
        : base(value, code, reason, retry)
    {
    }

    /// <summary>Success.</summary>
    public static TrackStatusResult Ok(TrackStatusOk ok)
    {
        ArgumentNullException.ThrowIfNull(ok);
        return new TrackStatusResult(ok, default, string.Empty, null);
    }

    /// <summary>Failure.</summary>
    public static TrackStatusResult Error(RequestErrorCode code, string reason, TimeSpan? retryInterval = null)
        => new(null, code, reason ?? string.Empty, retryInterval);
}
