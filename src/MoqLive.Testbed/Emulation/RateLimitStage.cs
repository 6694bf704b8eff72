namespace MoqLive.Testbed.Emulation;

/// <summary>Constant-rate bottleneck: serialization time = size · 8 / rate, FIFO, drop-tail.</summary>
internal sealed class RateLimitStage(long bitsPerSecond, DropTailQueue queue) : IServiceStage
{
    private TimeSpan _busyUntil;

    public bool TryAdmit(TimeSpan arrival, int size, out TimeSpan departure)
    {
        queue.Drain(arrival);
        if (!queue.HasRoomFor(size))
        {
            departure = default;
            return false;
        }

        // Round up so the link never runs faster than configured.
        long bits = (long)size * 8;
        long ticks = (long)Math.Ceiling((double)bits * TimeSpan.TicksPerSecond / bitsPerSecond);
        TimeSpan start = arrival > _busyUntil ? arrival : _busyUntil;
        departure = start + TimeSpan.FromTicks(ticks);
        _busyUntil = departure;
        queue.Add(departure, size);
        return true;
    }
}
