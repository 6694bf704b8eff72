namespace MoqLive.Quic.Internal;

/// <summary>
/// A one-shot wake-up for waiters that re-check their condition: <see cref="WaitAsync"/> hands out the current task,
/// <see cref="Set"/> completes it and starts a new round. Callers serialize both under the connection's lock, so a
/// wake-up between checking the condition and waiting cannot be lost. Continuations run asynchronously, never
/// inside the lock.
/// </summary>
internal sealed class AsyncSignal
{
    private TaskCompletionSource? _tcs;

    public Task WaitAsync() => (_tcs ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Set()
    {
        var tcs = _tcs;
        _tcs = null;
        tcs?.TrySetResult();
    }
}
