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
/// that await and does not hold up the others.
/// </remarks>
internal sealed class AsyncSignal
{
    private TaskCompletionSource? _tcs;

    /// <summary>A task completed by the next <see cref="Notify"/>. Call under the owner's lock.</summary>
    public Task WaitTask()
    {
        // Continuations run synchronously when the task completes: that happens in Notify's work item, never under
        // the owner's lock nor on the notifying thread.
        _tcs ??= new TaskCompletionSource(TaskCreationOptions.None);
        return _tcs.Task;
    }

    /// <summary>Wakes all current waiters from one thread-pool work item. Call under the owner's lock.</summary>
    public void Notify()
    {
        var tcs = _tcs;
        if (tcs is null)
            return;
        _tcs = null;
        ThreadPool.UnsafeQueueUserWorkItem(static t => t.TrySetResult(), tcs, preferLocal: false);
    }
}
