using System.Diagnostics;

namespace MoqLive.Testing;

/// <summary>
/// Timeouts for awaiting in tests (STYLE.md: every awaited task gets <c>WaitAsync(timeout)</c>, so a bug fails
/// the test instead of hanging the run). They bound waits; tests never sleep for them.
/// </summary>
public static class TestTimeouts
{
    /// <summary>For anything that should finish promptly: 10 s, or infinite under a debugger.</summary>
    public static TimeSpan Default => Debugger.IsAttached ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(10);

    /// <summary>For long transfers and many-stream tests: 60 s, or infinite under a debugger.</summary>
    public static TimeSpan Long => Debugger.IsAttached ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(60);
}
