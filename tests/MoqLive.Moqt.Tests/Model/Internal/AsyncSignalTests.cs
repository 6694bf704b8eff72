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
                woken.Add(signal.WaitTask().ContinueWith(_ =>
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
        Task first = signal.WaitTask();
        signal.Notify();
        Task second = signal.WaitTask();
        await first.WithTimeout();
        Assert.False(second.IsCompleted);
        signal.Notify();
        await second.WithTimeout();
    }

    [Fact]
    public async Task NotifyTakingSingleWaiter_OneWait_ReturnsItUncompletedForTheCaller()
    {
        var signal = new AsyncSignal();
        Assert.Null(signal.NotifyTakingSingleWaiter());
        Task wait = signal.WaitTask();
        TaskCompletionSource? taken = signal.NotifyTakingSingleWaiter();
        Assert.NotNull(taken);
        Assert.Same(wait, taken.Task);
        Assert.False(wait.IsCompleted);

        // The round is over: a new wait belongs to the next one, and the taken source is the caller's to complete.
        Task next = signal.WaitTask();
        Assert.NotSame(wait, next);
        taken.TrySetResult();
        await wait.WithTimeout();
        Assert.False(next.IsCompleted);
        signal.Notify();
        await next.WithTimeout();
    }

    [Fact]
    public async Task NotifyTakingSingleWaiter_TwoWaits_WakesThemThroughThePoolAndReturnsNull()
    {
        // Two waits in one round (two readers, or one that gave up and waited again) are never handed to the caller.
        var signal = new AsyncSignal();
        Task first = signal.WaitTask();
        Task second = signal.WaitTask();
        Assert.Null(signal.NotifyTakingSingleWaiter());
        await Task.WhenAll(first, second).WithTimeout();

        // The count starts over with each round.
        Task third = signal.WaitTask();
        Assert.NotNull(signal.NotifyTakingSingleWaiter());
        Assert.False(third.IsCompleted);
    }
}
