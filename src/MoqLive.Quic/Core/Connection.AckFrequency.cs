using MoqLive.Quic.Frames;
using MoqLive.Quic.Recovery;

namespace MoqLive.Quic.Core;

/// <summary>
/// The ACK frequency extension (draft-ietf-quic-ack-frequency-11): asking a peer that advertised min_ack_delay for
/// fewer acknowledgements (<see cref="ConnectionOptions.AckFrequency"/>), and acknowledging as an ACK_FREQUENCY from
/// the peer asks when we advertised min_ack_delay (<see cref="ConnectionOptions.MinAckDelay"/>).
/// </summary>
internal sealed partial class Connection
{
    // The one ACK_FREQUENCY frame we send (sequence number 0) is owed: queued when the handshake is confirmed, again
    // when the packet carrying it is lost.
    private bool _ackFrequencyPending;
    // Largest Sequence Number of the peer's ACK_FREQUENCY frames applied so far (§4: older ones are ignored).
    private ulong? _peerAckFrequencySequence;

    /// <summary>The ACK_FREQUENCY frame we send, or null when we send none (no options, or the peer did not advertise min_ack_delay).</summary>
    private AckFrequencyFrame? OurAckFrequency()
    {
        if (_options.AckFrequency is not { } o || _peerParameters?.MinAckDelayMicroseconds is not { } peerMin) return null;
        // §4: the Requested Max Ack Delay must not be below the peer's min_ack_delay.
        ulong delay = Math.Max((ulong)(o.MaxAckDelay.Ticks / 10), peerMin);
        return new AckFrequencyFrame(0, (ulong)o.AckElicitingThreshold, delay, (ulong)o.ReorderingThreshold);
    }

    /// <summary>Queues our ACK_FREQUENCY once the handshake is confirmed (it goes in 1-RTT packets only, §4).</summary>
    private void QueueAckFrequency() => _ackFrequencyPending = OurAckFrequency() is not null;

    private int WriteAckFrequency(Span<byte> payload, int pos, SentFrames frames, ref bool ackEliciting)
    {
        if (!_ackFrequencyPending || OurAckFrequency() is not { } frame || payload.Length - pos < frame.GetEncodedLength()) return pos;
        pos += frame.Write(payload[pos..]);
        _ackFrequencyPending = false;
        (frames.Other ??= new()).Add(AckFrequencyMarker.Instance);
        ackEliciting = true;
        // RFC 9002 §6.2.1: the PTO allows for the peer's max_ack_delay, which the peer may raise to the requested one
        // as soon as the frame arrives; use the larger from now on (the request only ever raises it here).
        var requested = TimeSpan.FromMicroseconds(frame.RequestedMaxAckDelayMicroseconds);
        if (requested > _loss.PeerMaxAckDelay) _loss.PeerMaxAckDelay = requested;
        return pos;
    }

    /// <summary>A received ACK_FREQUENCY (§4): validated, then applied to our 1-RTT acknowledgements unless it is older than one applied.</summary>
    private void OnAckFrequencyFrame(in AckFrequencyFrame f)
    {
        // §3: a peer may send it only after we advertised min_ack_delay.
        if (_options.MinAckDelay is not { } ourMin)
            throw new QuicProtocolException(TransportErrorCode.ProtocolViolation, (ulong)FrameType.AckFrequency, "ACK_FREQUENCY without min_ack_delay");
        // §4: a Requested Max Ack Delay below our min_ack_delay is a PROTOCOL_VIOLATION.
        if (f.RequestedMaxAckDelayMicroseconds < (ulong)(ourMin.Ticks / 10))
            throw new QuicProtocolException(TransportErrorCode.ProtocolViolation, (ulong)FrameType.AckFrequency, "Requested Max Ack Delay below min_ack_delay");
        if (_peerAckFrequencySequence is { } applied && f.SequenceNumber <= applied) return;
        _peerAckFrequencySequence = f.SequenceNumber;
        // A delay beyond what max_ack_delay can express (RFC 9000 §18.2: below 2^14 ms) is capped there.
        ulong micros = Math.Min(f.RequestedMaxAckDelayMicroseconds, ((1UL << 14) - 1) * 1000);
        _spaces[(int)PacketSpace.ApplicationData].ReceivedPackets.ApplyAckFrequency(f.AckElicitingThreshold, TimeSpan.FromMicroseconds(micros), f.ReorderingThreshold);
        Stats.AckFrequencyFramesApplied++;
    }

    private sealed record AckFrequencyMarker
    {
        public static readonly AckFrequencyMarker Instance = new();
    }
}
