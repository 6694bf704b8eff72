using Xunit;

namespace MoqLive.Testing;

/// <summary>Waiting for a condition that background work (the thread pool) makes true.</summary>
public static class Poll
{
    /// <summary>
    /// Yields until <paramref name="condition"/> holds; fails after <paramref name="timeout"/> (default
    /// <see cref="TestTimeouts.Default"/>) naming <paramref name="what"/>. Bounded by time, not by iterations, which a
    /// starved machine uses up fast.
    /// </summary>
    public static async Task UntilAsync(Func<bool> condition, TimeSpan? timeout = null, string what = "Condition")
    {
        ArgumentNullException.ThrowIfNull(condition);
        TimeSpan limit = timeout ?? TestTimeouts.Default;
        using var expired = new CancellationTokenSource(limit);
        while (!condition())
        {
            if (expired.IsCancellationRequested)
                Assert.Fail($"{what} not reached within {limit}.");
            await Task.Yield();
        }
    }
}
