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
    /// <summary>
    /// Polls an asynchronous <paramref name="condition"/> (a browser page's state, say) every <paramref name="interval"/>
    /// (default 50 ms) until it holds; fails after <paramref name="timeout"/> naming <paramref name="what"/> and, if given,
    /// what <paramref name="describe"/> reports of the last state seen.
    /// </summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, string what = "Condition",
        Func<string>? describe = null, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        TimeSpan limit = timeout ?? TestTimeouts.Default;
        using var expired = new CancellationTokenSource(limit);
        while (!await condition().ConfigureAwait(false))
        {
            if (expired.IsCancellationRequested)
                Assert.Fail($"{what} not reached within {limit}. {describe?.Invoke()}");
            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(50), CancellationToken.None).ConfigureAwait(false);
        }
    }
}
