namespace MoqLive.Quic.Internal;

/// <summary>
/// A one-shot wake-up for waiters that re-check their condition: <see cref="WaitAsync"/> hands out the current task,
/// <see cref="Set"/> completes it and starts a new round. Callers serialize both under the connection's lock, so a
/// wake-up between checking the condition and waiting cannot be lost. Continuations never run inside the lock:
/// <see cref="Set"/> completes the task from the thread pool. A stream's reads wait on a <see cref="ReadWaiter"/> instead,
/// which allocates nothing per wait.
/// </summary>
internal sealed class AsyncSignal
{
    private TaskCompletionSource? _tcs;

    // Without RunContinuationsAsynchronously: the thread pool's work item runs the waiter's continuation, so a wake-up
    // is one thread hop.
    public Task WaitAsync() => (_tcs ??= new TaskCompletionSource()).Task;

    public void Set()
    {
        var tcs = _tcs;
        _tcs = null;
        if (tcs is not null) ThreadPool.UnsafeQueueUserWorkItem(static t => t.TrySetResult(), tcs, preferLocal: false);
    }
}
