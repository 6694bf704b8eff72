
namespace MoqLive.Quic.Streams;

/// <summary>
/// Receive-side flow control for one stream or the whole connection (RFC 9000 §4.1–4.2) with window auto-tuning:
/// when the application consumes a window's worth of data faster than about two round trips, the window doubles
/// up to a maximum (the approach of Chromium's QuicFlowController and quinn's receive window).
/// </summary>
internal sealed class ReceiveWindow
{
    private Instant? _lastUpdate;

    public ReceiveWindow(ulong initialWindow, ulong maxWindow)
    {
        Window = initialWindow;
        MaxWindow = Math.Max(initialWindow, maxWindow);
        MaxAdvertised = initialWindow;
    }

    /// <summary>Current window size: how far past the consumed offset the peer may send.</summary>
    public ulong Window { get; private set; }

    public ulong MaxWindow { get; }

    /// <summary>The limit we last advertised to the peer.</summary>
    public ulong MaxAdvertised { get; private set; }

    /// <summary>Highest offset (or sum of highest stream offsets) received so far.</summary>
    public ulong Received { get; private set; }

    /// <summary>Data the application consumed (or that was released, e.g. by a reset or STOP_SENDING).</summary>
    public ulong Consumed { get; private set; }

    /// <summary>Records that the peer's data now reaches <paramref name="highest"/>; throws FLOW_CONTROL_ERROR past the limit.</summary>
    public void OnReceived(ulong highest, ulong frameType)
    {
        if (highest > MaxAdvertised)
        {
            throw new QuicProtocolException(TransportErrorCode.FlowControlError, frameType,
                $"peer sent up to offset {highest} beyond the advertised limit {MaxAdvertised}");
        }
        if (highest > Received) Received = highest;
    }

    /// <summary>Adds <paramref name="bytes"/> to the consumed total.</summary>
    public void OnConsumed(ulong bytes) => Consumed += bytes;

    /// <summary>
    /// True when enough of the window was consumed that a new limit is worth sending: at least half of the window
    /// (RFC 9000 §4.2 leaves the policy to us; half avoids both chatter and stalls).
    /// </summary>
    public bool ShouldSendUpdate => Consumed + Window - MaxAdvertised >= Window / 2 && Consumed + Window > MaxAdvertised;

    /// <summary>
    /// Computes and records the next limit to advertise. Auto-tunes first: if the previous update is less than
    /// two smoothed RTTs old, the application is reading faster than the window allows, so the window doubles.
    /// </summary>
    public ulong NextLimit(Instant now, TimeSpan rtt)
    {
        if (_lastUpdate is { } last && now - last < rtt * 2 && Window < MaxWindow)
        {
            Window = Math.Min(Window * 2, MaxWindow);
        }
        _lastUpdate = now;
        MaxAdvertised = Math.Max(MaxAdvertised, Consumed + Window);
        return MaxAdvertised;
    }
}
