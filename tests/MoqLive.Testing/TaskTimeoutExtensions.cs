namespace MoqLive.Testing;

/// <summary><c>WaitAsync</c> with <see cref="TestTimeouts.Default"/>, for tasks and value tasks.</summary>
public static class TaskTimeoutExtensions
{
    /// <summary>Waits for <paramref name="task"/>, failing with <see cref="TimeoutException"/> after the timeout.</summary>
    public static Task WithTimeout(this Task task, TimeSpan? timeout = null) =>
        task.WaitAsync(timeout ?? TestTimeouts.Default);

    /// <inheritdoc cref="WithTimeout(Task, TimeSpan?)"/>
    public static Task<T> WithTimeout<T>(this Task<T> task, TimeSpan? timeout = null) =>
        task.WaitAsync(timeout ?? TestTimeouts.Default);

    /// <inheritdoc cref="WithTimeout(Task, TimeSpan?)"/>
    public static Task WithTimeout(this ValueTask task, TimeSpan? timeout = null) =>
        task.AsTask().WaitAsync(timeout ?? TestTimeouts.Default);

    /// <inheritdoc cref="WithTimeout(Task, TimeSpan?)"/>
    public static Task<T> WithTimeout<T>(this ValueTask<T> task, TimeSpan? timeout = null) =>
        task.AsTask().WaitAsync(timeout ?? TestTimeouts.Default);

    /// <summary>
    /// Lets already-scheduled continuations run (a few thread-pool round trips, no timers), then asserts that
    /// <paramref name="task"/> is still pending. Use it to check that something waits, e.g. on a limit.
    /// </summary>
    public static async Task AssertPendingAsync(this Task task)
    {
        for (int i = 0; i < 10 && !task.IsCompleted; i++)
            await Task.Yield();
        if (task.IsCompleted)
        {
            throw new Xunit.Sdk.XunitException(
                $"Expected the task to be pending, but it completed with status {task.Status}.", task.Exception);
        }
    }
}
