using System.Threading.Tasks.Sources;

namespace MoqLive.Moqt.Model.Internal;

/// <summary>
/// One consumer's wait on an <see cref="AsyncSignal"/>, reused for every wait: <see cref="Arm"/> hands out a
/// <see cref="ValueTask"/> backed by this object, so a read that has to wait allocates nothing (it was a
/// <see cref="Task.WaitAsync(CancellationToken)"/> promise per wait, per object per subscription, on top of the round's
/// <see cref="TaskCompletionSource"/>). A wait is a wake-up only: the consumer re-checks its state after it.
/// </summary>
/// <remarks>
/// <see cref="Arm"/> and <see cref="TryTake"/> are called under the owner's lock; the continuation never runs there: the
/// signal's taker calls <see cref="Complete"/> (or <see cref="Queue"/>s it) after releasing the lock. A cancellation
/// completes the wait from the token's callback unless a wake-up took it first (the consumer then re-checks and waits
/// again, and the cancelled token ends that wait at once). Each wait has its own <see cref="Version"/>: a round that
/// still lists a wait that ended cannot wake the next one.
/// </remarks>
internal sealed class SignalWaiter : IValueTaskSource, IThreadPoolWorkItem
{
    private const int Idle = 0;
    private const int Waiting = 1;
    private const int Taken = 2;
    private const int Completed = 3;

    // Continuations run synchronously on whoever completes the wait (see the remarks).
    private ManualResetValueTaskSourceCore<bool> _core;
    private CancellationTokenRegistration _registration;
    private CancellationToken _token;
    private int _state;

    /// <summary>The current wait's version (under the owner's lock).</summary>
    public short Version => _core.Version;

    /// <summary>Starts a wait; the caller awaits the result once, outside the lock.</summary>
    /// <exception cref="InvalidOperationException">This consumer is already waiting (concurrent reads of one consumer).</exception>
    public ValueTask Arm(CancellationToken cancellationToken)
    {
        if (_state != Idle)
            throw new InvalidOperationException("Another read of this consumer is already waiting.");
        _core.Reset();
        _token = cancellationToken;
        Volatile.Write(ref _state, Waiting);
        if (cancellationToken.CanBeCanceled)
            _registration = cancellationToken.UnsafeRegister(static w => ((SignalWaiter)w!).Cancel(), this);
        return new ValueTask(this, _core.Version);
    }

    /// <summary>Takes wait <paramref name="version"/> if it still waits, for the caller to complete; under the owner's lock.</summary>
    public bool TryTake(short version) => _core.Version == version && Interlocked.CompareExchange(ref _state, Taken, Waiting) == Waiting;

    /// <summary>Completes a wait <see cref="TryTake"/> took: the consumer's continuation runs here.</summary>
    public void Complete()
    {
        Volatile.Write(ref _state, Completed);
        _core.SetResult(true);
    }

    /// <summary>Completes a taken wait from a thread-pool work item (this object: no allocation).</summary>
    public void Queue() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

    void IThreadPoolWorkItem.Execute() => Complete();

    private void Cancel()
    {
        if (Interlocked.CompareExchange(ref _state, Completed, Waiting) == Waiting)
            _core.SetException(new OperationCanceledException(_token));
    }

    void IValueTaskSource.GetResult(short token)
    {
        try
        {
            _core.GetResult(token);
        }
        finally
        {
            // The token's callback may be running on another thread (it lost the race above): Dispose waits for it, so it
            // cannot touch the next wait. On the callback's own thread (it completed this wait) Dispose does not wait.
            _registration.Dispose();
            _registration = default;
            _token = default;
            Volatile.Write(ref _state, Idle);
        }
    }

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
