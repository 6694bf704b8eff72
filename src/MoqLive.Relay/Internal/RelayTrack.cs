using MoqLive.Moqt.Model;

namespace MoqLive.Relay.Internal;

/// <summary>
/// One track at the relay: a <see cref="TrackProducer"/> (cache + fan-out) fed by one upstream subscription, shared
/// by every downstream subscriber. Mutable fields are guarded by the relay's lock.
/// </summary>
internal sealed class RelayTrack(FullTrackName name)
{
    public FullTrackName Name { get; } = name;

    public RelayTrackState State { get; set; } = RelayTrackState.Establishing;

    /// <summary>Completes with null when established, or with the upstream error.</summary>
    public TaskCompletionSource<SubscribeResult?> Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set once the first upstream subscription succeeds; survives publisher reconnects.</summary>
    public TrackProducer? Producer { get; set; }

    /// <summary>Cancels the current upstream pump (and with it the upstream subscription).</summary>
    public CancellationTokenSource? PumpCancellation { get; set; }

    /// <summary>Bumped for every upstream attachment so a stale pump's end is ignored.</summary>
    public int Generation { get; set; }

    /// <summary>
    /// Downstream subscribes waiting for <see cref="Ready"/> or about to attach: the track is not closed as unused
    /// while any are in flight, so a churning last subscriber cannot close it under them.
    /// </summary>
    public int PendingSubscribers { get; set; }

    /// <summary>True for tracks pushed with PUBLISH: kept while the publisher pushes, even without subscribers.</summary>
    public bool IsPushed { get; set; }

    public ITimer? GraceTimer { get; set; }

    /// <summary>A re-subscribe to a newly registered publisher is in flight.</summary>
    public bool ResumeInFlight { get; set; }

    /// <summary>Registration order of the current upstream; a publisher registered later may replace it.</summary>
    public long UpstreamOrder { get; set; }

    /// <summary>The chat policy for chat tracks (docs/media-format.md "Chat"), null for every other track.</summary>
    public ChatGate? Chat { get; init; }
}
