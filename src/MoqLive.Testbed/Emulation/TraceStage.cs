using MoqLive.Testbed.Traces;

namespace MoqLive.Testbed.Emulation;

/// <summary>
/// Bottleneck driven by a mahimahi trace: each line is a delivery opportunity for up to one MTU
/// (<see cref="LinkEmulatorDefaults.TraceOpportunityBytes"/>); the trace loops with the period of its last
/// timestamp. Trace time 0 is emulator time <see cref="TimeSpan.Zero"/>. An opportunity with no packet waiting
/// is wasted, as in mahimahi; a packet larger than what is left of an opportunity continues in the next ones.
/// </summary>
internal sealed class TraceStage(MahimahiTrace trace, DropTailQueue queue) : IServiceStage
{
    private const int Mtu = LinkEmulatorDefaults.TraceOpportunityBytes;

    // Global index of the last opportunity used (-1: none yet) and bytes left in it.
    private long _index = -1;
    private int _left;

    public bool TryAdmit(TimeSpan arrival, int size, out TimeSpan departure)
    {
        queue.Drain(arrival);
        if (!queue.HasRoomFor(size))
        {
            departure = default;
            return false;
        }

        long index;
        int left;
        if (_left > 0 && trace.OpportunityTime(_index) >= arrival)
        {
            index = _index;
            left = _left;
        }
        else
        {
            index = Math.Max(_index + 1, trace.FirstOpportunityAtOrAfter(arrival));
            left = Mtu;
        }

        int remaining = size;
        while (true)
        {
            int take = Math.Min(remaining, left);
            remaining -= take;
            left -= take;
            if (remaining == 0)
            {
                break;
            }

            index++;
            left = Mtu;
        }

        _index = index;
        _left = left;
        departure = trace.OpportunityTime(index);
        queue.Add(departure, size);
        return true;
    }
}
