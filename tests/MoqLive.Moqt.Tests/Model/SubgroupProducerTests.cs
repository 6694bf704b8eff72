using MoqLive.Moqt.Model;
using static MoqLive.Moqt.Tests.Model.ModelTestHelpers;

namespace MoqLive.Moqt.Tests.Model;

public sealed class SubgroupProducerTests
{
    private static readonly TrackProducerOptions Inline = TrackProducerOptions.Default with { WakeSingleReaderInline = true };

    [Fact]
    public async Task Write_WakeSingleReaderInline_TheOneWaitingReaderRunsOnTheWriterAfterTheLockIsReleased()
    {
        using var producer = Producer(Inline);
        using var consumer = producer.Subscribe();
        var writer = producer.CreateGroup(0).CreateSubgroup(0);
        var reader = await FirstSubgroupAsync(consumer);

        Task<ObjectReadResult> read = reader.ReadObjectAsync().AsTask();
        Assert.False(read.IsCompleted);
        int readerThread = 0;
        Task observed = read.ContinueWith(t =>
        {
            readerThread = Environment.CurrentManagedThreadId;
            // The track's lock is free while the reader runs: another thread can write to the same track.
            Assert.True(Task.Run(() => producer.CreateGroup(1).CreateSubgroup(0).Write(0, Payload(1, 0))).Wait(TestTimeout));
            t.Result.Object!.Release();
        }, TaskContinuationOptions.ExecuteSynchronously);

        var (writerThread, readDoneWhenWriteReturned) = await OnNewThread(() =>
        {
            writer.Write(0, Payload(0, 0));
            return observed.IsCompleted;
        });

        Assert.True(readDoneWhenWriteReturned);
        Assert.Equal(writerThread, readerThread);
        await observed.WaitAsync(TestTimeout);
    }

    [Fact]
    public async Task Write_WakeSingleReaderInlineTwoReaders_BothWokenOffTheWriter()
    {
        using var producer = Producer(Inline);
        using var first = producer.Subscribe();
        using var second = producer.Subscribe();
        var writer = producer.CreateGroup(0).CreateSubgroup(0);
        var readers = new[] { await FirstSubgroupAsync(first), await FirstSubgroupAsync(second) };
        var threads = new int[2];
        var reads = readers.Select((r, i) => r.ReadObjectAsync().AsTask().ContinueWith(t =>
        {
            threads[i] = Environment.CurrentManagedThreadId;
            t.Result.Object!.Release();
        }, TaskContinuationOptions.ExecuteSynchronously)).ToArray();

        var (writerThread, _) = await OnNewThread(() => writer.Write(0, Payload(0, 0)));

        await Task.WhenAll(reads).WaitAsync(TestTimeout);
        Assert.DoesNotContain(writerThread, threads);
    }

    [Fact]
    public async Task Write_WithoutWakeSingleReaderInline_ReaderWokenOffTheWriter()
    {
        using var producer = Producer();
        using var consumer = producer.Subscribe();
        var writer = producer.CreateGroup(0).CreateSubgroup(0);
        var reader = await FirstSubgroupAsync(consumer);
        int readerThread = 0;
        Task observed = reader.ReadObjectAsync().AsTask().ContinueWith(t =>
        {
            readerThread = Environment.CurrentManagedThreadId;
            t.Result.Object!.Release();
        }, TaskContinuationOptions.ExecuteSynchronously);

        var (writerThread, _) = await OnNewThread(() => writer.Write(0, Payload(0, 0)));

        await observed.WaitAsync(TestTimeout);
        Assert.NotEqual(writerThread, readerThread);
    }

    [Fact]
    public async Task Write_WakeSingleReaderInlineAfterACancelledRead_TheNextReadStillGetsTheObject()
    {
        // The cancelled read's wait stays listed in the round: the write skips it and wakes the new one.
        using var producer = Producer(Inline);
        using var consumer = producer.Subscribe();
        var writer = producer.CreateGroup(0).CreateSubgroup(0);
        var reader = await FirstSubgroupAsync(consumer);
        using (var cancel = new CancellationTokenSource())
        {
            var cancelled = reader.ReadObjectAsync(cancel.Token).AsTask();
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(TestTimeout));
        }

        Task<ObjectReadResult> read = reader.ReadObjectAsync().AsTask();
        await OnNewThread(() => writer.Write(0, Payload(0, 0)));
        var result = await read.WaitAsync(TestTimeout);
        Assert.Equal(new Location(0, 0), result.Object!.Location);
        result.Object.Release();
    }

    [Fact]
    public async Task Write_WakeSingleReaderInlineConcurrentReader_EveryObjectInOrderThenTheEnd()
    {
        // No lost wake-up and no reordering when the writer races the reader's checks (the reader sometimes finds the
        // object already there, sometimes waits and is run by the writer).
        const int count = 5000;
        using var producer = Producer(Inline);
        using var consumer = producer.Subscribe();
        var writer = producer.CreateGroup(0).CreateSubgroup(0);
        var reader = await FirstSubgroupAsync(consumer);
        Task<(List<Location> Objects, ObjectReadStatus Final)> readAll = Task.Run(() => ReadAll(reader));

        await OnNewThread(() =>
        {
            for (ulong i = 0; i < count; i++)
            {
                writer.Write(i, Payload(0, i));
                if (i % 7 == 0)
                    Thread.Yield();
            }

            writer.Complete();
        });

        var (objects, final) = await readAll.WaitAsync(TestTimeout);
        Assert.Equal(ObjectReadStatus.End, final);
        Assert.Equal(Enumerable.Range(0, count).Select(i => new Location(0, (ulong)i)), objects);
    }

    [Fact]
    public async Task ReadObjectAsync_SecondReadWhileOneWaits_ThrowsAndTheFirstStillGetsTheObject()
    {
        // A consumer's wait is one reusable waiter: a concurrent second read is refused instead of sharing it.
        using var producer = Producer(Inline);
        using var consumer = producer.Subscribe();
        var writer = producer.CreateGroup(0).CreateSubgroup(0);
        var reader = await FirstSubgroupAsync(consumer);
        Task<ObjectReadResult> read = reader.ReadObjectAsync().AsTask();
        await Assert.ThrowsAsync<InvalidOperationException>(() => reader.ReadObjectAsync().AsTask());

        await OnNewThread(() => writer.Write(0, Payload(0, 0)));
        var result = await read.WaitAsync(TestTimeout);
        Assert.Equal(new Location(0, 0), result.Object!.Location);
        result.Object.Release();
    }

    private static async Task<SubgroupConsumer> FirstSubgroupAsync(TrackConsumer consumer)
    {
        var group = (await consumer.NextGroupAsync().AsTask().WaitAsync(TestTimeout)).Group!;
        return (await group.NextSubgroupAsync().AsTask().WaitAsync(TestTimeout))!;
    }

    /// <summary>Runs <paramref name="action"/> on a new thread (never a pool thread); returns that thread's ID and the result.</summary>
    private static async Task<(int Thread, T Result)> OnNewThread<T>(Func<T> action)
    {
        var done = new TaskCompletionSource<(int, T)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                done.SetResult((Environment.CurrentManagedThreadId, action()));
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        {
            IsBackground = true,
        };
        thread.Start();
        return await done.Task.WaitAsync(TestTimeout);
    }

    private static Task<(int Thread, bool Result)> OnNewThread(Action action) => OnNewThread(() =>
    {
        action();
        return true;
    });
}
