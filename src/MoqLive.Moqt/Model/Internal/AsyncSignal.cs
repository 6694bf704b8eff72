namespace MoqLive.Moqt.Model.Internal;

/// <summary>
/// A "something changed" notification for readers that wait on shared state (like a watch channel). Callers hold the
/// owner's lock around <see cref="WaitTask"/> and <see cref="Notify"/>, re-check their condition after every wake-up,
/// and await the task outside the lock. One notify wakes every waiter, which is what fan-out needs.
/// </summary>
/// <remarks>
/// A notify queues one thread-pool work item that runs every waiter's continuation in turn, instead of one work item
/// per waiter: a relay track with N subscribers wakes N send loops per object, and each of them only reads the object,
/// hands it to its transport stream and waits again, so N thread-pool dispatches (and the thread wake-ups and context
/// switches behind them) cost more than the work. A send loop whose write has to wait for flow control yields at
/// that await and does not hold up the others. A writer that holds no lock of its own may instead take a single
/// waiter with <see cref="NotifyTakingSingleWaiter"/> and complete it itself after releasing the owner's lock: a
/// subscriber's only reader then runs on the thread that received the object, with no thread-pool hop at all.
/// </remarks>
internal sealed class AsyncSignal
{
    private TaskCompletionSource? _tcs;

    // WaitTask calls in the current round. A waiter that gave up (cancelled) still counts, so this may overstate the
    // waiters, never understate them: a round it overstates is only woken through the thread pool.
    private int _waits;

    /// <summary>A task completed by the next <see cref="Notify"/>. Call under the owner's lock.</summary>
    public Task WaitTask()
    {
        // Continuations run synchronously when the task completes: that happens in Notify's work item or on a
        // NotifyTakingSingleWaiter caller after it released the lock, never under the owner's lock.
        _tcs ??= new TaskCompletionSource(TaskCreationOptions.None);
        _waits++;
        return _tcs.Task;
    }

    /// <summary>Wakes all current waiters from one thread-pool work item. Call under the owner's lock.</summary>
    public void Notify()
    {
        if (TakeRound(out _) is { } tcs)
            Queue(tcs);
    }

    /// <summary>
    /// Like <see cref="Notify"/>, except that when exactly one wait is outstanding its task source is returned instead
    /// of queued: the caller completes it (<see cref="TaskCompletionSource.TrySetResult()"/>) once it has released the
    /// owner's lock, and the waiter's continuation runs on the caller's thread until its next wait. Call under the
    /// owner's lock, and only from a writer that holds no other lock and may run the reader's code.
    /// </summary>
    public TaskCompletionSource? NotifyTakingSingleWaiter()
    {
        if (TakeRound(out int waits) is not { } tcs)
            return null;
        if (waits == 1)
            return tcs;
        Queue(tcs);
        return null;
    }

    private TaskCompletionSource? TakeRound(out int waits)
    {
        var tcs = _tcs;
        waits = _waits;
        _tcs = null;
        _waits = 0;
        return tcs;
    }

    private static void Queue(TaskCompletionSource tcs)
        => ThreadPool.UnsafeQueueUserWorkItem(static t => t.TrySetResult(), tcs, preferLocal: false);
}
