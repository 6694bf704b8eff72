namespace MoqLive.Moqt.Model.Internal;

/// <summary>
/// A "something changed" notification for readers that wait on shared state (like a watch channel). Callers hold the
/// owner's lock around <see cref="WaitAsync"/> and <see cref="Notify"/>, re-check their condition after every wake-up,
/// and await the wait outside the lock. One notify wakes every waiter, which is what fan-out needs. Each consumer waits
/// through its own reusable <see cref="SignalWaiter"/>, so a wait allocates nothing.
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
    // The current round's waits, each with the version it armed: a wait that ended (cancelled) stays listed until the
    // next notify, which skips it.
    private List<(SignalWaiter Waiter, short Version)>? _round;

    /// <summary>A wait of <paramref name="waiter"/> completed by the next <see cref="Notify"/>. Call under the owner's lock.</summary>
    public ValueTask WaitAsync(SignalWaiter waiter, CancellationToken cancellationToken)
    {
        ValueTask wait = waiter.Arm(cancellationToken);
        (_round ??= []).Add((waiter, waiter.Version));
        return wait;
    }

    /// <summary>Wakes all current waiters from one thread-pool work item. Call under the owner's lock.</summary>
    public void Notify()
    {
        if (TakeRound(out SignalWaiter[]? several) is { } single)
            single.Queue();
        else if (several is not null)
            Queue(several);
    }

    /// <summary>
    /// Like <see cref="Notify"/>, except that when exactly one wait is outstanding it is returned instead of queued: the
    /// caller completes it (<see cref="SignalWaiter.Complete"/>) once it has released the owner's lock, and the waiter's
    /// continuation runs on the caller's thread until its next wait. Call under the owner's lock, and only from a writer
    /// that holds no other lock and may run the reader's code.
    /// </summary>
    public SignalWaiter? NotifyTakingSingleWaiter()
    {
        SignalWaiter? single = TakeRound(out SignalWaiter[]? several);
        if (several is not null)
            Queue(several);
        return single;
    }

    // Takes the round's live waits: one is returned, several come back in an array.
    private SignalWaiter? TakeRound(out SignalWaiter[]? several)
    {
        several = null;
        if (_round is not { Count: > 0 } round)
            return null;
        int taken = 0;
        for (int i = 0; i < round.Count; i++)
        {
            if (round[i].Waiter.TryTake(round[i].Version))
                round[taken++] = round[i];
        }

        SignalWaiter? single = null;
        if (taken == 1)
        {
            single = round[0].Waiter;
        }
        else if (taken > 1)
        {
            several = new SignalWaiter[taken];
            for (int i = 0; i < taken; i++)
                several[i] = round[i].Waiter;
        }

        round.Clear();
        return single;
    }

    private static void Queue(SignalWaiter[] waiters) =>
        ThreadPool.UnsafeQueueUserWorkItem(static ws =>
        {
            foreach (SignalWaiter w in ws)
                w.Complete();
        }, waiters, preferLocal: false);
}
