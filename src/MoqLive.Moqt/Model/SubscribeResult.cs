namespace MoqLive.Moqt.Model;

/// <summary>SUBSCRIBE outcome: <c>Ok</c> (SUBSCRIBE_OK) or <see cref="Error"/> (REQUEST_ERROR).</summary>
public sealed class SubscribeResult : RequestResult<SubscribeOk>
{
    private SubscribeResult(SubscribeOk? value, RequestErrorCode code, string reason, TimeSpan? retry)
        : base(value, code, reason, retry)
    {
    }

    /// <summary>Success.</summary>
    public static SubscribeResult Ok(SubscribeOk ok)
    {
        ArgumentNullException.ThrowIfNull(ok);
        return new SubscribeResult(ok, default, string.Empty, null);
    }

    /// <summary>Success with a track consumer; LARGEST_OBJECT is its joining location.</summary>
    public static SubscribeResult Ok(TrackConsumer track)
    {
        ArgumentNullException.ThrowIfNull(track);
        return Ok(new SubscribeOk(track, track.JoiningLocation));
    }

    /// <summary>Failure.</summary>
    public static SubscribeResult Error(RequestErrorCode code, string reason, TimeSpan? retryInterval = null)
        => new(null, code, reason ?? string.Empty, retryInterval);
}
