using MoqLive.Media.Mp4;

namespace MoqLive.Media.Publishing;

/// <summary>How <see cref="MediaChannelPublisher"/> publishes a channel. Immutable; change with <c>with</c>.</summary>
public sealed record MediaPublishOptions
{
    /// <summary>Channel name (1–64 characters of <c>[A-Za-z0-9_-]</c>): the namespace <c>["live", NAME]</c>.</summary>
    public required string Channel { get; init; }

    /// <summary>Channel title in the catalog (<c>moqlive.title</c>). Default empty.</summary>
    public string Title { get; init; } = "";

    /// <summary>Restart the input when it ends, with timestamps and group IDs still increasing. Default false.</summary>
    public bool Loop { get; init; }

    /// <summary>
    /// The input is live (a pipe that an encoder writes in real time): each sample is sent as soon as it is read, never
    /// held back to its media time. Pacing a live input from the moment publishing started would add the time spent
    /// connecting (and any read-ahead) to every frame's latency for the whole broadcast. The media-to-wall-clock mapping
    /// then moves back to the earliest arrival, so TIMESTAMPs stay increasing at the media rate. Default false (a file
    /// is paced at its real speed).
    /// </summary>
    public bool Live { get; init; }

    /// <summary>The catalog's targetLatency in ms (MSF §5.1.14). Default 150, the audience app's jitter-buffer target.</summary>
    public int TargetLatencyMs { get; init; } = 150;

    /// <summary>Groups each track keeps for late joiners and FETCH. Default 16.</summary>
    public int CacheGroups { get; init; } = 16;

    /// <summary>
    /// When a sample is due this much in the past (the input stalled), the media-to-wall-clock mapping moves forward so
    /// TIMESTAMPs stay the time a sample is sent. Default 1 s.
    /// </summary>
    public TimeSpan MaxLateness { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Clock for pacing and TIMESTAMPs. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Limits of the fMP4 reader.</summary>
    public Mp4ReaderOptions Reader { get; init; } = Mp4ReaderOptions.Default;

    internal void Validate()
    {
        if (!ChannelTracks.IsValidName(Channel))
            throw new ArgumentException($"A channel name is 1–{ChannelTracks.MaxNameLength} characters of A–Z, a–z, 0–9, _ and -; got '{Channel}'.", nameof(Channel));
        ArgumentNullException.ThrowIfNull(Title, nameof(Title));
        ArgumentOutOfRangeException.ThrowIfNegative(TargetLatencyMs, nameof(TargetLatencyMs));
        ArgumentOutOfRangeException.ThrowIfLessThan(CacheGroups, 1, nameof(CacheGroups));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MaxLateness, TimeSpan.Zero, nameof(MaxLateness));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        ArgumentNullException.ThrowIfNull(Reader, nameof(Reader));
    }
}
