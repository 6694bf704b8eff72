namespace MoqLive.Quic.Internal;

/// <summary>
/// A one-shot wake-up for waiters that re-check their condition: <see cref="WaitAsync"/> hands out the current task,
/// <see cref="Set"/> completes it and starts a new round. Callers serialize both under the connection's lock, so a
/// wake-up between checking the condition and waiting cannot be lost. Continuations never run inside the lock:
/// <see cref="Set"/> completes the task from the thread pool, and <see cref="TakeWaiter"/> hands it to a caller that
/// completes it itself once the lock is released.
/// </summary>
internal sealed class AsyncSignal
{
    private TaskCompletionSource? _tcs;

    // Without RunContinuationsAsynchronously: whoever completes the task runs the waiter's continuation (the thread
    // pool for Set, the receive thread for TakeWaiter's caller), so a wake-up is one thread hop at most.
    public Task WaitAsync() => (_tcs ??= new TaskCompletionSource()).Task;

    public void Set()
    {
        if (TakeWaiter() is { } tcs) ThreadPool.UnsafeQueueUserWorkItem(static t => t.TrySetResult(), tcs, preferLocal: false);
    }

    /// <summary>Starts a new round and returns the current round's task for the caller to complete outside the lock; null when nobody waits.</summary>
    public TaskCompletionSource? TakeWaiter()
    {
        var tcs = _tcs;
        _tcs = null;
        return tcs;
    }
}
