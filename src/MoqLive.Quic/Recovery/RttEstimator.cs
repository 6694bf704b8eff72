namespace MoqLive.Quic.Recovery;

/// <summary>RTT estimation (RFC 9002 §5): latest, minimum, smoothed RTT and its variation.</summary>
internal sealed class RttEstimator
{
    /// <summary>kGranularity (RFC 9002 §6.1.2).</summary>
    public static readonly TimeSpan Granularity = TimeSpan.FromMilliseconds(1);

    public RttEstimator(TimeSpan initialRtt)
    {
        Smoothed = initialRtt;
        Variation = initialRtt / 2;
        Latest = initialRtt;
        Min = initialRtt;
    }

    public TimeSpan Latest { get; private set; }

    public TimeSpan Smoothed { get; private set; }

    public TimeSpan Variation { get; private set; }

    public TimeSpan Min { get; private set; }

    /// <summary>True once the first sample was taken.</summary>
    public bool HasSample { get; private set; }

    /// <summary>smoothed_rtt + max(4*rttvar, kGranularity): the PTO base without max_ack_delay (§6.2.1).</summary>
    public TimeSpan PtoBase => Smoothed + Max(Variation * 4, Granularity);

    /// <summary>
    /// Adds a sample (§5.3). <paramref name="ackDelay"/> is the peer-reported delay, already limited to max_ack_delay
    /// by the caller once the handshake is confirmed, and zero for Initial and Handshake packets.
    /// </summary>
    public void Update(TimeSpan sample, TimeSpan ackDelay)
    {
        if (sample < TimeSpan.Zero) sample = TimeSpan.Zero;
        Latest = sample;
        if (!HasSample)
        {
            HasSample = true;
            Min = sample;
            Smoothed = sample;
            Variation = sample / 2;
            return;
        }
        Min = Min < sample ? Min : sample;
        // Only subtract the ack delay when the result stays at or above min_rtt.
        var adjusted = sample >= Min + ackDelay ? sample - ackDelay : sample;
        var diff = Smoothed - adjusted;
        Variation = (Variation * 3 + (diff < TimeSpan.Zero ? -diff : diff)) / 4;
        Smoothed = (Smoothed * 7 + adjusted) / 8;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
