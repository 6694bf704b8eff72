using System.Threading.Tasks.Sources;

namespace MoqLive.Quic.Internal;

/// <summary>
/// The wait of a stream's one reader for data, reused for every wait: <see cref="Arm"/> hands out a
/// <see cref="ValueTask"/> backed by this object, so a read that has to wait allocates nothing (it was a
/// <see cref="TaskCompletionSource"/>, its task and a <see cref="Task.WaitAsync(CancellationToken)"/> promise per wait,
/// per object per subscription on a subscriber's stream). Like <see cref="AsyncSignal"/> it is a wake-up only: the
/// reader re-checks the stream after it.
/// </summary>
/// <remarks>
/// <see cref="Arm"/>, <see cref="TakeLocked"/> and <see cref="SetLocked"/> are called under the connection's lock; the
/// continuation never runs there: <see cref="SetLocked"/> completes the wait from a thread-pool work item (this object,
/// no allocation), and <see cref="TakeLocked"/>'s caller calls <see cref="Complete"/> once it released the lock, so the
/// reader runs on its thread until its next wait. A cancellation completes the wait from the token's callback unless a
/// wake-up took it first (the reader then re-checks and waits again, and the cancelled token ends that wait at once).
/// </remarks>
internal sealed class ReadWaiter : IValueTaskSource, IThreadPoolWorkItem
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

    /// <summary>Starts a wait; the caller awaits the result once, outside the lock.</summary>
    /// <exception cref="InvalidOperationException">A wait is already outstanding (a second concurrent reader).</exception>
    public ValueTask Arm(CancellationToken cancellationToken)
    {
        if (_state != Idle)
            throw new InvalidOperationException("Another read is already waiting on this stream.");
        _core.Reset();
        _token = cancellationToken;
        Volatile.Write(ref _state, Waiting);
        if (cancellationToken.CanBeCanceled)
            _registration = cancellationToken.UnsafeRegister(static w => ((ReadWaiter)w!).Cancel(), this);
        return new ValueTask(this, _core.Version);
    }

    /// <summary>Takes the outstanding wait for the caller to <see cref="Complete"/> after releasing the lock; false when none.</summary>
    public bool TakeLocked() => Interlocked.CompareExchange(ref _state, Taken, Waiting) == Waiting;

    /// <summary>Completes a wait <see cref="TakeLocked"/> returned true for: the reader's continuation runs here.</summary>
    public void Complete()
    {
        Volatile.Write(ref _state, Completed);
        _core.SetResult(true);
    }

    /// <summary>Wakes the outstanding wait, if any, from a thread-pool work item.</summary>
    public void SetLocked()
    {
        if (TakeLocked())
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

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
