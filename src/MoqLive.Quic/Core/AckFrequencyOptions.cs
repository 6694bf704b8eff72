namespace MoqLive.Quic.Core;

/// <summary>
/// What an endpoint asks its peer with ACK_FREQUENCY (draft-ietf-quic-ack-frequency-11 §4) once the handshake is
/// confirmed, if the peer advertised min_ack_delay. For a sender that is application-limited, such as a relay sending
/// 30 objects a second to each subscriber: the peer's default acknowledges about every object (within a quarter RTT),
/// so each subscriber costs the relay an ACK datagram to receive, decrypt and process per object.
/// </summary>
public sealed record AckFrequencyOptions
{
    /// <summary>
    /// Ack-Eliciting Threshold: ack-eliciting packets the peer may receive without acknowledging at once (§4; 0 acks
    /// every packet, 1 every second one as RFC 9000 §13.2.2 recommends). Default 9 (an ACK every 10 packets).
    /// </summary>
    public int AckElicitingThreshold
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    } = 9;

    /// <summary>
    /// Requested Max Ack Delay (§4), raised to the peer's min_ack_delay if below it (§4: the peer rejects a smaller
    /// one). Once the frame is sent it is also the max_ack_delay this endpoint's loss recovery assumes (RFC 9002 §6.2.1
    /// PTO). Default 250 ms: about one ACK per eight objects at 30 objects a second (each ACK costs the relay a datagram
    /// to receive, decrypt and process per subscriber, BENCHMARKS.md). The longer PTO delays only the recovery of a loss
    /// no later packet reveals (a tail loss): with <see cref="ReorderingThreshold"/> 1 the next packet after a gap is
    /// acknowledged at once.
    /// </summary>
    public TimeSpan MaxAckDelay
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.FromMilliseconds(1));
            // max_ack_delay values of 2^14 ms or more are invalid (RFC 9000 §18.2).
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(value, TimeSpan.FromMilliseconds(1 << 14));
            field = value;
        }
    } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Reordering Threshold (§4, §6.2): 1 (the default) keeps RFC 9000's immediate ACK for a packet received out of
    /// order, so a loss is still reported at once when the next packet arrives (the long delay then costs no recovery
    /// time); 0 asks the peer to ignore reordering.
    /// </summary>
    public int ReorderingThreshold
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    } = 1;
}
