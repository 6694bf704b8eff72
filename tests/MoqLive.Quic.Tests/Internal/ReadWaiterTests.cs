using MoqLive.Quic.Internal;
using MoqLive.Testing;

namespace MoqLive.Quic.Tests.Internal;

public sealed class ReadWaiterTests
{
    [Fact]
    public async Task Complete_TakenWait_RunsTheReaderOnTheCompletingThread()
    {
        var waiter = new ReadWaiter();
        ValueTask wait = waiter.Arm(CancellationToken.None);
        Assert.True(waiter.TakeLocked());
        Assert.False(waiter.TakeLocked()); // taken once
        int readerThread = 0;
        Task reader = ContinueAsync(wait, () => readerThread = Environment.CurrentManagedThreadId);
        Assert.False(reader.IsCompleted);

        var completer = new Thread(waiter.Complete);
        completer.Start();
        await reader.WithTimeout();
        Assert.Equal(completer.ManagedThreadId, readerThread);
    }

    [Fact]
    public async Task SetLocked_Waiting_CompletesFromThePoolAndTheWaiterIsReusable()
    {
        var waiter = new ReadWaiter();
        waiter.SetLocked(); // nobody waits: nothing to wake
        ValueTask wait = waiter.Arm(CancellationToken.None);
        Assert.False(wait.IsCompleted);
        waiter.SetLocked();
        await wait.AsTask().WithTimeout();

        ValueTask next = waiter.Arm(CancellationToken.None);
        Assert.False(next.IsCompleted);
        waiter.SetLocked();
        await next.AsTask().WithTimeout();
    }

    [Fact]
    public async Task Arm_Cancelled_ThrowsAndTheNextWaitStillWakes()
    {
        var waiter = new ReadWaiter();
        using var cancel = new CancellationTokenSource();
        ValueTask wait = waiter.Arm(cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAsync<OperationCanceledException>(async () => await wait);
        Assert.False(waiter.TakeLocked());

        ValueTask next = waiter.Arm(CancellationToken.None);
        Assert.True(waiter.TakeLocked());
        waiter.Complete();
        await next.AsTask().WithTimeout();
    }

    [Fact]
    public async Task Arm_WakeTakenBeforeTheCancellation_CompletesNormally()
    {
        var waiter = new ReadWaiter();
        using var cancel = new CancellationTokenSource();
        ValueTask wait = waiter.Arm(cancel.Token);
        Assert.True(waiter.TakeLocked());
        await cancel.CancelAsync();
        waiter.Complete();
        await wait.AsTask().WithTimeout();

        // The reader re-checks, finds nothing and waits again with the cancelled token: that wait ends at once.
        ValueTask next = waiter.Arm(cancel.Token);
        Assert.True(next.IsCompleted);
        await Assert.ThrowsAsync<OperationCanceledException>(async () => await next);
    }

    [Fact]
    public void Arm_WhileWaiting_Throws()
    {
        var waiter = new ReadWaiter();
        _ = waiter.Arm(CancellationToken.None);
        Assert.Throws<InvalidOperationException>(() => waiter.Arm(CancellationToken.None));
    }

    [Fact]
    public void Arm_RepeatedWaitsWithACancellableToken_AllocateNothing()
    {
        // One wait per object per stream on a subscriber: the waiter and its token registration are reused.
        var waiter = new ReadWaiter();
        using var cancel = new CancellationTokenSource();
        void Round()
        {
            ValueTask wait = waiter.Arm(cancel.Token);
            Assert.True(waiter.TakeLocked());
            waiter.Complete();
            wait.GetAwaiter().GetResult();
        }

        for (int i = 0; i < 10; i++)
            Round();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
            Round();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static async Task ContinueAsync(ValueTask wait, Action then)
    {
        await wait.ConfigureAwait(false);
        then();
    }
}
