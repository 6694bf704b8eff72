namespace MoqLive.Transport.InMemory;

/// <summary>
/// One direction of the simulated network between the two sessions: everything one side tells the other (new
/// streams, stream data, FIN, RESET_STREAM, STOP_SENDING, flow-control and stream credit, datagrams, the close)
/// goes through <see cref="Send"/> and arrives in order after <see cref="InMemorySessionOptions.OneWayDelay"/>.
/// </summary>
/// <remarks>
/// With no delay, deliveries run inline, under the connection lock the caller holds. With a delay they are
/// queued and a <see cref="TimeProvider"/> timer runs them (taking the lock) when due, so tests control them with
/// <c>FakeTimeProvider.Advance</c>. The queue is bounded by what can be in flight: stream windows, stream limits,
/// the datagram queue capacity and one pending credit update per stream direction.
/// </remarks>
internal sealed class InMemoryLink
{
    private readonly object _sync;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _delay;
    private readonly long _delayTicks;
    private readonly Queue<(long Due, Action Deliver)> _inFlight = new();
    private ITimer? _timer;
    private bool _shutDown;

    public InMemoryLink(object sync, TimeProvider timeProvider, TimeSpan delay)
    {
        _sync = sync;
        _timeProvider = timeProvider;
        _delay = delay;
        _delayTicks = (long)Math.Ceiling(delay.TotalSeconds * timeProvider.TimestampFrequency);
    }

    public bool IsDelayed => _delay > TimeSpan.Zero;

    /// <summary>Caller holds the lock. Runs <paramref name="deliver"/> at the other end, now or after the delay.</summary>
    public void Send(Action deliver)
    {
        if (_shutDown)
            return;
        if (!IsDelayed)
        {
            deliver();
            return;
        }

        _inFlight.Enqueue((_timeProvider.GetTimestamp() + _delayTicks, deliver));
        if (_inFlight.Count == 1)
            Arm(_delay);
    }

    /// <summary>Caller holds the lock. Drops everything in flight; later sends are dropped too.</summary>
    public void Shutdown()
    {
        _shutDown = true;
        _inFlight.Clear();
        _timer?.Dispose();
        _timer = null;
    }

    private void Arm(TimeSpan dueTime)
    {
        // A positive due time never fires synchronously inside Change, even on FakeTimeProvider.
        _timer ??= _timeProvider.CreateTimer(static state => ((InMemoryLink)state!).OnTimer(), this,
            Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(dueTime, Timeout.InfiniteTimeSpan);
    }

    private void OnTimer()
    {
        lock (_sync)
        {
            long now = _timeProvider.GetTimestamp();
            while (!_shutDown && _inFlight.TryPeek(out (long Due, Action Deliver) head) && head.Due <= now)
            {
                _inFlight.Dequeue();
                head.Deliver();
            }

            if (!_shutDown && _inFlight.TryPeek(out (long Due, Action Deliver) next))
            {
                double seconds = (double)(next.Due - now) / _timeProvider.TimestampFrequency;
                Arm(TimeSpan.FromTicks(Math.Max(1, (long)Math.Ceiling(seconds * TimeSpan.TicksPerSecond))));
            }
        }
    }
}
