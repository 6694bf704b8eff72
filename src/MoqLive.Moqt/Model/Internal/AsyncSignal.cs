namespace MoqLive.Moqt.Model.Internal;

/// <summary>
/// A "something changed" notification for readers that wait on shared state (like a watch channel). Callers hold the
/// owner's lock around <see cref="WaitTask"/> and <see cref="Notify"/>, re-check their condition after every wake-up,
/// and await the task outside the lock. One notify wakes every waiter, which is what fan-out needs.
/// </summary>
internal sealed class AsyncSignal
{
    private TaskCompletionSource? _tcs;

    /// <summary>A task completed by the next <see cref="Notify"/>. Call under the owner's lock.</summary>
    public Task WaitTask()
    {
        _tcs ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _tcs.Task;
    }

    /// <summary>Wakes all current waiters. Call under the owner's lock; continuations run asynchronously.</summary>
    public void Notify()
    {
        var tcs = _tcs;
        if (tcs is null)
            return;
        _tcs = null;
        tcs.TrySetResult();
    }
}
