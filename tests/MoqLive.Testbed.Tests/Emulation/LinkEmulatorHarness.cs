using MoqLive.Testbed.Emulation;

namespace MoqLive.Testbed.Tests.Emulation;

/// <summary>Fake-time helpers: run senders against an emulator and collect (send, delivery) times.</summary>
internal static class LinkEmulatorHarness
{
    public static TimeSpan Ms(double ms) => TimeSpan.FromTicks((long)(ms * TimeSpan.TicksPerMillisecond));

    /// <summary>A packet whose first 8 bytes hold its sequence number.</summary>
    public static LinkPacket Packet(long sequence, int size = 1200)
    {
        var buffer = new byte[Math.Max(size, 8)];
        BitConverter.TryWriteBytes(buffer, sequence);
        return new LinkPacket(buffer, size);
    }

    public static long SequenceOf(LinkPacket packet) => BitConverter.ToInt64(packet.Buffer, 0);

    /// <summary>Drains every packet deliverable now, appending (sequence, delivery time).</summary>
    public static void DrainDue(LinkEmulator emulator, TimeSpan now, List<(long Sequence, TimeSpan Time, int Length)> into)
    {
        while (emulator.TryDequeue(now, out var packet, out var time))
        {
            into.Add((SequenceOf(packet), time, packet.Length));
        }
    }

    /// <summary>From <paramref name="now"/>, jumps fake time to each next event until the emulator is empty (step-limited).</summary>
    public static void DrainAll(LinkEmulator emulator, TimeSpan now, List<(long Sequence, TimeSpan Time, int Length)> into)
    {
        for (int steps = 0; emulator.NextEventTime is { } next; steps++)
        {
            Assert.True(steps < 10_000_000, "step limit");
            now = next > now ? next : now;
            DrainDue(emulator, now, into);
        }
    }

    /// <summary>
    /// Sends a packet of <paramref name="size"/> bytes every <paramref name="interval"/> for
    /// <paramref name="duration"/>, draining deliveries as fake time advances, then drains the rest.
    /// </summary>
    public static (List<(long Sequence, TimeSpan Time, int Length)> Delivered, List<TimeSpan> Sent, List<EnqueueResult> Results)
        RunConstantSender(LinkEmulator emulator, TimeSpan interval, int size, TimeSpan duration)
    {
        var delivered = new List<(long Sequence, TimeSpan Time, int Length)>();
        var sent = new List<TimeSpan>();
        var results = new List<EnqueueResult>();
        TimeSpan now = TimeSpan.Zero;
        for (long i = 0; now < duration; i++, now = TimeSpan.FromTicks(interval.Ticks * i))
        {
            DrainDue(emulator, now, delivered);
            sent.Add(now);
            results.Add(emulator.Enqueue(now, Packet(i, size)));
        }

        DrainAll(emulator, now, delivered);
        return (delivered, sent, results);
    }

    /// <summary>Bytes delivered with delivery time in [from, to).</summary>
    public static long BytesIn(List<(long Sequence, TimeSpan Time, int Length)> delivered, TimeSpan from, TimeSpan to) =>
        delivered.Where(d => d.Time >= from && d.Time < to).Sum(d => (long)d.Length);
}
