namespace MoqLive.Moqt.Model;

/// <summary>
/// How many of its newest groups a <see cref="TrackProducer"/> keeps (its cache window). Late joiners and FETCH are
/// served from this window; consumers that fall out of it skip whole groups. Immutable; change with <c>with</c>.
/// </summary>
public sealed record TrackProducerOptions
{
    /// <summary>Defaults: 16 groups, 64 MiB, no age limit, <see cref="TimeProvider.System"/>.</summary>
    public static TrackProducerOptions Default { get; } = new();

    /// <summary>Most groups kept. At least 1. Default 16.</summary>
    public int MaxGroups { get; init; } = 16;

    /// <summary>
    /// Most payload+property bytes kept. The newest group stays while it is still being written even if it alone exceeds
    /// the bound, so the true bound is this plus the size of the newest group. Default 64 MiB.
    /// </summary>
    public long MaxBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Groups older than this (since their creation) leave the window; null keeps them. Default null.</summary>
    public TimeSpan? MaxAge { get; init; }

    /// <summary>Clock for <see cref="MaxAge"/>. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// When an object is written while exactly one reader waits for it, complete that reader on the writer's thread
    /// (after the track's lock is released) instead of through a thread-pool work item: the reader runs until its next
    /// wait before the write returns. Saves a thread hop and a context switch per object when a track has one reader
    /// (a subscriber's received track); with more readers they are woken through the thread pool as before. Set it
    /// only when no writer holds a lock of its own around <see cref="SubgroupProducer.Write(MoqtObject)"/> and
    /// writers may run the reader's code (the MOQT session's receive path qualifies). Default false.
    /// </summary>
    public bool WakeSingleReaderInline { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxGroups, 1, nameof(MaxGroups));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxBytes, nameof(MaxBytes));
        if (MaxAge is { } age)
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(age, TimeSpan.Zero, nameof(MaxAge));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
    }
}
