using Microsoft.Extensions.Logging;
using MoqLive.Moqt.Model;

namespace MoqLive.Relay;

/// <summary>Relay settings. Immutable; change with <c>with</c>. Validated once by <see cref="MoqtRelay"/>'s constructor.</summary>
public sealed record MoqtRelayOptions
{
    /// <summary>Defaults as documented on each property.</summary>
    public static MoqtRelayOptions Default { get; } = new();

    /// <summary>
    /// Per-track cache window: newest groups kept, bounded in groups, bytes and age. Late joiners, joining FETCH and
    /// standalone FETCH are served from it. Its <see cref="TrackProducerOptions.TimeProvider"/> is replaced by
    /// <see cref="TimeProvider"/>. Default: 16 groups, 64 MiB, 30 s.
    /// </summary>
    public TrackProducerOptions Cache { get; init; } = TrackProducerOptions.Default with { MaxAge = TimeSpan.FromSeconds(30) };

    /// <summary>
    /// Per-subscriber queue bound in groups: a downstream subscriber that has more unsent groups than this loses the
    /// stale whole groups and continues at the newest one (and a partly sent group that becomes this stale is abandoned:
    /// its streams are reset).
    /// Default 4.
    /// </summary>
    public int MaxSubscriberLagGroups { get; init; } = 4;

    /// <summary>
    /// How long a track whose publisher vanished (session lost) keeps its downstream subscribers waiting for the
    /// publisher to come back under a matching namespace. After that they get PUBLISH_DONE (TRACK_ENDED). Default 10 s.
    /// </summary>
    public TimeSpan PublisherReconnectGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often cached groups are checked against the age bound. Default 1 s.</summary>
    public TimeSpan CacheTrimInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a joining FETCH waits for the first object of the subscription it joins when that subscription has no
    /// Joining Location yet (the upstream's SUBSCRIBE_OK carried no LARGEST_OBJECT); then INVALID_RANGE. Also how long
    /// the first subscriber of a track waits for the relay's own upstream joining FETCH of the current group (then it is
    /// answered without that group cached). Default 2 s.
    /// </summary>
    public TimeSpan JoiningFetchWait { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Clock for cache age, reconnect grace, trimming and the joining FETCH wait. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Limits on chat tracks (<c>["live", NAME, "chat", PARTICIPANT]</c>); default <see cref="ChatPolicyOptions.Default"/>.</summary>
    public ChatPolicyOptions Chat { get; init; } = ChatPolicyOptions.Default;

    /// <summary>Logger factory; null for no logging.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Cache, nameof(Cache));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSubscriberLagGroups, 1, nameof(MaxSubscriberLagGroups));
        ArgumentOutOfRangeException.ThrowIfLessThan(PublisherReconnectGrace, TimeSpan.Zero, nameof(PublisherReconnectGrace));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CacheTrimInterval, TimeSpan.Zero, nameof(CacheTrimInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(JoiningFetchWait, TimeSpan.Zero, nameof(JoiningFetchWait));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        ArgumentNullException.ThrowIfNull(Chat, nameof(Chat));
        Chat.Validate();
    }
}
