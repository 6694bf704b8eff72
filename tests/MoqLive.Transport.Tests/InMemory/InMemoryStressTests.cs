using MoqLive.Testing;
using MoqLive.Transport.InMemory;

namespace MoqLive.Transport.Tests.InMemory;

/// <summary>Concurrent writers, readers, resets, stops and a close racing each other must all terminate.</summary>
public sealed class InMemoryStressTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(0, 2)]
    [InlineData(1, 3)]
    [InlineData(1, 4)]
    public async Task RandomAbortsThenClose_EveryOperationTerminates(int delayMs, int seed)
    {
        (InMemorySession client, InMemorySession server) = InMemorySessionPair.Create(new InMemorySessionOptions
        {
            OneWayDelay = TimeSpan.FromMilliseconds(delayMs),
            StreamReceiveWindow = 256,
            MaxBidirectionalStreams = 8,
            MaxUnidirectionalStreams = 8,
        });
        var random = new Random(seed);
        var operations = new List<Task>();

        Task acceptLoop = Task.Run(async () =>
        {
            var readers = new List<Task>();
            try
            {
                while (true)
                {
                    ITransportStream stream = await server.AcceptBidirectionalStreamAsync();
                    readers.Add(Task.Run(async () =>
                    {
                        // Dispose resets/stops whatever is unfinished, which returns the stream credit.
                        await using ITransportStream _ = stream;
                        byte[] buffer = new byte[100];
                        int total = 0;
                        int read;
                        while ((read = await stream.ReadAsync(buffer)) > 0)
                        {
                            total += read;
                            if (total > 500 && stream.Id % 3 == 0)
                                stream.Stop(3);
                        }

                        await stream.WriteAsync(BitConverter.GetBytes(total), endStream: true);
                    }));
                }
            }
            catch (TransportSessionClosedException)
            {
            }

            await Task.WhenAll(readers.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default)));
        });

        string?[] stage = new string?[40];
        for (int i = 0; i < 40; i++)
        {
            int action = random.Next(4);
            int size = random.Next(1, 3000);
            int index = i;
            operations.Add(Task.Run(async () =>
            {
                stage[index] = "open";
                await using ITransportStream stream = await client.OpenBidirectionalStreamAsync();
                stage[index] = $"write {stream.Id} a={action}";
                Task write = stream.WriteAsync(new byte[size], endStream: action != 1).AsTask();
                if (action == 1)
                    stream.Reset(1);
                else if (action == 2)
                    stream.Stop(2);
                await write;
                stage[index] = $"read {stream.Id} a={action}";
                await stream.ReadToEndAsync();
                stage[index] = "done";
            }));
        }

        // Let some of it run, then close while the rest is in flight.
        await Task.WhenAny(Task.WhenAll(operations), Task.WhenAll(operations.Take(10))).WithTimeout(TestTimeouts.Long);
        await client.CloseAsync(9, "stress").WithTimeout();

        foreach (Task operation in operations)
        {
            try
            {
                await operation.WithTimeout();
            }
            catch (TimeoutException)
            {
                Assert.Fail("Still pending after the close: " + string.Join("; ", stage.Select((s, i) => $"{i}:{s}")));
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException)
            {
                // Aborted by a reset, a stop or the close: expected; hanging is what the test catches.
            }
        }

        await acceptLoop.WithTimeout(TestTimeouts.Long);
        await server.Closed.WithTimeout();
        Assert.Equal(0, client.LiveStreamCount);
    }
}
