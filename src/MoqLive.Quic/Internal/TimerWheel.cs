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
/// <para>
/// A thread that wakes often anyway (an endpoint's receive thread) can drive the wheel itself: it calls
/// <see cref="DriverAwake"/> when it wakes, <see cref="RunDue"/> while busy and <see cref="RunDueBeforeSleep"/> to learn
/// how long it may sleep. While it is awake no schedule touches the <see cref="ITimer"/> (a receiver re-arms after every
/// packet; each earlier re-arm was a wake-up of the runtime's timer thread and each tick a thread-pool work item); while
/// it sleeps only a deadline earlier than its wake-up arms the timer, and <see cref="DetachDriver"/> hands the wheel
/// back to the timer.
/// </para>
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
    // The driving thread is between DriverAwake and RunDueBeforeSleep: it will run what falls due and look at the
    // wheel again before it sleeps.
    private bool _driverAwake;
    // The tick at which a sleeping driver wakes by itself; long.MaxValue without a driver.
    private long _driverWakesAt = long.MaxValue;

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
            if (tick < _armed && NeedsTimerLocked(tick)) Arm(tick);
        }
    }

    /// <summary>The driving thread woke: until its next <see cref="RunDueBeforeSleep"/> it runs what falls due.</summary>
    public void DriverAwake()
    {
        lock (_lock)
        {
            _driverAwake = true;
            _driverWakesAt = long.MaxValue;
        }
    }

    /// <summary>Fires every entry due now on the calling (driving) thread; <paramref name="onError"/> gets what an entry throws.</summary>
    public void RunDue(Action<Exception> onError)
    {
        List<Entry>? due;
        lock (_lock)
        {
            if (_disposed) return;
            due = TakeDueLocked();
        }

        Fire(due, onError);
    }

    /// <summary>
    /// Fires every entry due now on the calling (driving) thread, then returns how long it may sleep: until the
    /// earliest scheduled slot, at most <paramref name="max"/>. From here until <see cref="DriverAwake"/> a deadline
    /// before that wake-up arms the timer.
    /// </summary>
    public TimeSpan RunDueBeforeSleep(TimeSpan max, Action<Exception> onError)
    {
        RunDue(onError);
        lock (_lock)
        {
            _driverAwake = false;
            var now = _now();
            long wake = Tick(now + max);
            if (_count > 0) wake = Math.Min(wake, EarliestLocked());
            _driverWakesAt = wake;
            // Entries scheduled while the driver ran them may already be due.
            var sleep = new Instant(wake * TimeSpan.TicksPerMillisecond) - now;
            // poll(2) takes whole milliseconds, rounded down: round up so the wake-up is not before the slot.
            return sleep <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Math.Ceiling(sleep.TotalMilliseconds));
        }
    }

    /// <summary>The driving thread stops: the timer fires the wheel again.</summary>
    public void DetachDriver()
    {
        lock (_lock)
        {
            _driverAwake = false;
            _driverWakesAt = long.MaxValue;
            if (_disposed || _count == 0) return;
            long earliest = EarliestLocked();
            if (earliest < _armed) Arm(earliest);
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
        List<Entry>? due;
        lock (_lock)
        {
            if (_disposed) return;
            _armed = long.MaxValue;
            due = TakeDueLocked();
            if (_count > 0 && EarliestLocked() is var earliest && NeedsTimerLocked(earliest)) Arm(earliest);
        }

        if (due is null) return;
        foreach (var entry in due) entry.Fire();
    }

    private static void Fire(List<Entry>? due, Action<Exception> onError)
    {
        if (due is null) return;
        foreach (var entry in due)
        {
            try
            {
                entry.Fire();
            }
            catch (Exception e)
            {
                onError(e);
            }
        }
    }

    /// <summary>Unlinks every entry of the slots up to now and moves the window to now.</summary>
    private List<Entry>? TakeDueLocked()
    {
        List<Entry>? due = null;
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
        return due;
    }

    /// <summary>The first slot with an entry. Call with entries scheduled.</summary>
    private long EarliestLocked()
    {
        for (long t = _processed + 1; t <= _processed + SlotCount; t++)
        {
            if (_slots[t & Mask] is not null) return t;
        }

        return long.MaxValue; // unreachable while _count > 0
    }

    /// <summary>Whether <paramref name="tick"/> needs the timer: not when a driver is awake, or wakes by then anyway.</summary>
    private bool NeedsTimerLocked(long tick) => !_driverAwake && tick < _driverWakesAt;

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
