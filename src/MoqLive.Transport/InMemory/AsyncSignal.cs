namespace MoqLive.Transport.InMemory;

/// <summary>
/// A wake-up for waiters that re-check their condition: <see cref="WaitAsync"/> returns a task that completes at
/// the next <see cref="Set"/>. Not thread-safe on its own; callers hold the connection lock. Continuations
/// run asynchronously, so setting it under the lock never runs waiter code inline.
/// </summary>
internal sealed class AsyncSignal
{
    private TaskCompletionSource? _waiters;

    public Task WaitAsync() =>
        (_waiters ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Set()
    {
        TaskCompletionSource? waiters = _waiters;
        _waiters = null;
        waiters?.TrySetResult();
    }
}
