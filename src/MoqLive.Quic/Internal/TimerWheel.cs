namespace MoqLive.Quic.Internal;

/// <summary>
/// One timer for every connection of an endpoint: a hashed timing wheel of 1 ms slots over a horizon of
/// <see cref="SlotCount"/> ms, driven by a single <see cref="ITimer"/>. Connections re-arm after every send and every
/// ACK (loss detection, ACK delay, pacing, idle timeout); with a timer each, every re-arm that moved a deadline earlier
/// woke the runtime's timer thread (a futex wake and a context switch), tens of thousands of times a second at a relay
/// with a thousand connections. Here a re-arm moves an entry between two lists under a lock, and the one timer is only
/// changed when the earliest slot moves earlier; each tick fires every due connection from one thread-pool work item.
/// </summary>
/// <remarks>
/// Deadlines are rounded down to their millisecond slot, and ones past the horizon go to its last slot, so an entry
/// may fire up to 1 ms (or, past the horizon, arbitrarily) early: its owner checks its deadline and re-arms, which puts
/// it into a later slot. Entries fire on a thread-pool thread with no lock held. Thread-safe.
/// </remarks>
internal sealed class TimerWheel : IDisposable
{
    /// <summary>Slots, each 1 ms: the horizon. A power of two.</summary>
    public const int SlotCount = 1024;

    private const long Mask = SlotCount - 1;

    private readonly Func<Instant> _now;
    private readonly ITimer _timer;
    private readonly Lock _lock = new();
    // Heads of doubly linked lists; an entry of tick t sits in slot t & Mask, for t in (_processed, _processed + SlotCount].
    private readonly Entry?[] _slots = new Entry?[SlotCount];
    private long _processed;
    private long _armed = long.MaxValue;
    private int _count;
    private bool _disposed;

    public TimerWheel(TimeProvider time, Func<Instant> now)
    {
        _now = now;
        _processed = Tick(now());
        _timer = time.CreateTimer(static s => ((TimerWheel)s!).OnTick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Entries scheduled now.</summary>
    public int Count
    {
        get
        {
            lock (_lock) return _count;
        }
    }

    /// <summary>Schedules <paramref name="entry"/> to fire at <paramref name="deadline"/> (see the remarks for precision), replacing its previous time.</summary>
    public void Schedule(Entry entry, Instant deadline)
    {
        lock (_lock)
        {
            if (_disposed) return;
            // An empty wheel has no timer running: its window starts now.
            if (_count == 0 || (_count == 1 && entry.Tick >= 0)) _processed = Math.Max(_processed, Tick(_now()));
            long tick = Math.Clamp(Tick(deadline), _processed + 1, _processed + SlotCount);
            if (entry.Tick == tick) return;
            Unlink(entry);
            Link(entry, tick);
            if (tick < _armed) Arm(tick);
        }
    }

    /// <summary>Takes <paramref name="entry"/> off the wheel (no-op when it is not scheduled).</summary>
    public void Cancel(Entry entry)
    {
        lock (_lock) Unlink(entry);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _timer.Dispose();
        }
    }

    private void OnTick()
    {
        List<Entry>? due = null;
        lock (_lock)
        {
            if (_disposed) return;
            _armed = long.MaxValue;
            long now = Tick(_now());
            long end = Math.Min(now, _processed + SlotCount);
            for (long t = _processed + 1; t <= end; t++)
            {
                while (_slots[t & Mask] is { } entry)
                {
                    Unlink(entry);
                    (due ??= []).Add(entry);
                }
            }

            // Past the horizon every slot was drained, so the window may jump to now.
            _processed = Math.Max(_processed, now);
            if (_count > 0)
            {
                for (long t = _processed + 1; t <= _processed + SlotCount; t++)
                {
                    if (_slots[t & Mask] is not null)
                    {
                        Arm(t);
                        break;
                    }
                }
            }
        }

        if (due is null) return;
        foreach (var entry in due) entry.Fire();
    }

    private void Arm(long tick)
    {
        _armed = tick;
        var due = new Instant(tick * TimeSpan.TicksPerMillisecond) - _now();
        _timer.Change(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    private void Link(Entry entry, long tick)
    {
        ref var head = ref _slots[tick & Mask];
        entry.Tick = tick;
        entry.Prev = null;
        entry.Next = head;
        if (head is not null) head.Prev = entry;
        head = entry;
        _count++;
    }

    private void Unlink(Entry entry)
    {
        if (entry.Tick < 0) return;
        if (entry.Prev is { } prev) prev.Next = entry.Next;
        else _slots[entry.Tick & Mask] = entry.Next;
        if (entry.Next is { } next) next.Prev = entry.Prev;
        entry.Next = entry.Prev = null;
        entry.Tick = -1;
        _count--;
    }

    private static long Tick(Instant instant) => instant.Ticks / TimeSpan.TicksPerMillisecond;

    /// <summary>What one owner (a connection) keeps on the wheel: at most one time at once.</summary>
    internal sealed class Entry(Action fire)
    {
        public Action Fire { get; } = fire;

        /// <summary>The slot's tick (ms), or -1 when not scheduled.</summary>
        public long Tick { get; set; } = -1;

        public Entry? Next { get; set; }

        public Entry? Prev { get; set; }
    }
}
