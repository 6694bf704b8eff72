using MoqLive.Moqt.Model.Internal;
using MoqLive.Testing;

namespace MoqLive.Moqt.Tests.Model.Internal;

public sealed class AsyncSignalTests
{
    [Fact]
    public async Task Notify_ManyWaiters_AllWakeInOneWorkItemAfterTheLockIsReleased()
    {
        // A relay track wakes every subscriber's send loop per object: one thread-pool work item runs all of them
        // (not one per waiter), and none runs on the notifying thread while it still holds the owner's lock.
        var signal = new AsyncSignal();
        var sync = new object();
        const int waiters = 64;
        var threads = new int[waiters];
        var sawLockHeld = new bool[waiters];
        var woken = new List<Task>();
        using var release = new ManualResetEventSlim();
        lock (sync)
        {
            for (int i = 0; i < waiters; i++)
            {
                int index = i;
                woken.Add(signal.WaitAsync(new SignalWaiter(), CancellationToken.None).AsTask().ContinueWith(_ =>
                {
                    threads[index] = Environment.CurrentManagedThreadId;
                    sawLockHeld[index] = Monitor.IsEntered(sync);
                    // The first waiter holds its work item until the notifier has left the lock: with one work item per
                    // waiter the others would run meanwhile on other pool threads.
                    if (index == 0) release.Wait(TestTimeouts.Default);
                }, TaskContinuationOptions.ExecuteSynchronously));
            }

            signal.Notify();
            Assert.All(woken, t => Assert.False(t.IsCompleted));
        }

        release.Set();
        await Task.WhenAll(woken).WithTimeout();
        Assert.All(sawLockHeld, Assert.False);
        Assert.Single(threads.Distinct());
        Assert.NotEqual(Environment.CurrentManagedThreadId, threads[0]);
    }

    [Fact]
    public async Task Notify_WaitAfterNotify_WaitsForTheNextOne()
    {
        var signal = new AsyncSignal();
        var waiter = new SignalWaiter();
        ValueTask first = signal.WaitAsync(waiter, CancellationToken.None);
        signal.Notify();
        await first.AsTask().WithTimeout();
        ValueTask second = signal.WaitAsync(waiter, CancellationToken.None);
        Assert.False(second.IsCompleted);
        signal.Notify();
        await second.AsTask().WithTimeout();
    }

    [Fact]
    public async Task NotifyTakingSingleWaiter_OneWait_ReturnsItUncompletedForTheCaller()
    {
        var signal = new AsyncSignal();
        Assert.Null(signal.NotifyTakingSingleWaiter());
        var waiter = new SignalWaiter();
        Task wait = signal.WaitAsync(waiter, CancellationToken.None).AsTask();
        SignalWaiter? taken = signal.NotifyTakingSingleWaiter();
        Assert.Same(waiter, taken);
        Assert.False(wait.IsCompleted);

        // The round is over: another consumer's wait belongs to the next one, and the taken wait is the caller's to complete.
        Task next = signal.WaitAsync(new SignalWaiter(), CancellationToken.None).AsTask();
        taken!.Complete();
        await wait.WithTimeout();
        Assert.False(next.IsCompleted);
        signal.Notify();
        await next.WithTimeout();
    }

    [Fact]
    public async Task WaitAsync_CancelledThenWaitsAgainInTheSameRound_OnlyTheLiveWaitIsTaken()
    {
        // A reader that gave up and waited again leaves its first wait listed in the round: the notify skips it, so the
        // reader is still handed to the writer (it was woken through the pool when waits were counted).
        var signal = new AsyncSignal();
        var waiter = new SignalWaiter();
        using var cancel = new CancellationTokenSource();
        ValueTask first = signal.WaitAsync(waiter, cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAsync<OperationCanceledException>(async () => await first);

        Task second = signal.WaitAsync(waiter, CancellationToken.None).AsTask();
        Assert.Same(waiter, signal.NotifyTakingSingleWaiter());
        Assert.False(second.IsCompleted);
        waiter.Complete();
        await second.WithTimeout();
    }

    [Fact]
    public async Task WaitAsync_WakeTakenBeforeTheCancellation_CompletesNormally()
    {
        var signal = new AsyncSignal();
        var waiter = new SignalWaiter();
        using var cancel = new CancellationTokenSource();
        ValueTask wait = signal.WaitAsync(waiter, cancel.Token);
        SignalWaiter? taken = signal.NotifyTakingSingleWaiter();
        await cancel.CancelAsync();
        taken!.Complete();
        await wait.AsTask().WithTimeout();

        // The next wait with the cancelled token ends at once.
        ValueTask next = signal.WaitAsync(waiter, cancel.Token);
        Assert.True(next.IsCompleted);
        await Assert.ThrowsAsync<OperationCanceledException>(async () => await next);
    }

    [Fact]
    public void WaitAsync_WhileTheSameWaiterWaits_Throws()
    {
        var signal = new AsyncSignal();
        var waiter = new SignalWaiter();
        _ = signal.WaitAsync(waiter, CancellationToken.None);
        Assert.Throws<InvalidOperationException>(() => signal.WaitAsync(waiter, CancellationToken.None));
    }

    [Fact]
    public void WaitAsync_RepeatedWaitsWithACancellableToken_AllocateNothing()
    {
        // One wait per object per subscription: the waiter, its token registration and the round's list are reused.
        var signal = new AsyncSignal();
        var waiter = new SignalWaiter();
        using var cancel = new CancellationTokenSource();
        void Round()
        {
            ValueTask wait = signal.WaitAsync(waiter, cancel.Token);
            signal.NotifyTakingSingleWaiter()!.Complete();
            wait.GetAwaiter().GetResult();
        }

        for (int i = 0; i < 10; i++)
            Round();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
            Round();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task NotifyTakingSingleWaiter_TwoWaits_WakesThemThroughThePoolAndReturnsNull()
    {
        // Two waits in one round (two readers) are never handed to the caller.
        var signal = new AsyncSignal();
        Task first = signal.WaitAsync(new SignalWaiter(), CancellationToken.None).AsTask();
        Task second = signal.WaitAsync(new SignalWaiter(), CancellationToken.None).AsTask();
        Assert.Null(signal.NotifyTakingSingleWaiter());
        await Task.WhenAll(first, second).WithTimeout();

        // The count starts over with each round.
        Task third = signal.WaitAsync(new SignalWaiter(), CancellationToken.None).AsTask();
        Assert.NotNull(signal.NotifyTakingSingleWaiter());
        Assert.False(third.IsCompleted);
    }
}
