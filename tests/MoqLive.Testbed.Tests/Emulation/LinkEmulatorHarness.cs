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
}
