using Microsoft.Extensions.Time.Testing;
using MoqLive.Quic.Internal;

namespace MoqLive.Quic.Tests.Internal;

public class TimerWheelTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly long _origin;

    public TimerWheelTests() => _origin = _time.GetTimestamp();

    private Instant Now => new(_time.GetElapsedTime(_origin).Ticks + TimeSpan.TicksPerHour);

    private Instant At(double ms) => new(TimeSpan.TicksPerHour + (long)(ms * TimeSpan.TicksPerMillisecond));

    [Fact]
    public void Schedule_FiresOnceInTheDeadlinesMillisecond()
    {
        using var wheel = new TimerWheel(_time, () => Now);
        int fired = 0;
        var entry = new TimerWheel.Entry(() => fired++);
        wheel.Schedule(entry, At(5.5));

        _time.Advance(TimeSpan.FromMilliseconds(4.9));
        Assert.Equal(0, fired);
        _time.Advance(TimeSpan.FromMilliseconds(0.6)); // 5.5 ms
        Assert.Equal(1, fired);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, fired);
        Assert.Equal(0, wheel.Count);
    }

    [Fact]
    public void Schedule_AgainEarlierOrLater_OnlyTheLatestTimeFires()
    {
        using var wheel = new TimerWheel(_time, () => Now);
        var fires = new List<double>();
        var entry = new TimerWheel.Entry(() => fires.Add(_time.GetElapsedTime(_origin).TotalMilliseconds));
        wheel.Schedule(entry, At(50));
        wheel.Schedule(entry, At(10)); // earlier: the timer moves
        wheel.Schedule(entry, At(30)); // later again
        Assert.Equal(1, wheel.Count);

        for (int ms = 0; ms < 100; ms++)
            _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([30.0], fires);
    }

    [Fact]
    public void Tick_ManyEntriesDue_AllFireOnceFromOneTick()
    {
        using var wheel = new TimerWheel(_time, () => Now);
        int fired = 0;
        var entries = Enumerable.Range(0, 1000).Select(_ => new TimerWheel.Entry(() => fired++)).ToList();
        for (int i = 0; i < entries.Count; i++)
            wheel.Schedule(entries[i], At(1 + i % 7));

        _time.Advance(TimeSpan.FromMilliseconds(20)); // one jump: one tick drains every due slot
        Assert.Equal(1000, fired);
        Assert.Equal(0, wheel.Count);
    }

    [Fact]
    public void Schedule_PastTheHorizon_FiresEarlyAtTheHorizonSoTheOwnerCanReArm()
    {
        using var wheel = new TimerWheel(_time, () => Now);
        TimeSpan firedAt = TimeSpan.Zero;
        var entry = new TimerWheel.Entry(() => firedAt = _time.GetElapsedTime(_origin));
        wheel.Schedule(entry, At(30_000)); // an idle timeout

        _time.Advance(TimeSpan.FromMilliseconds(TimerWheel.SlotCount - 1));
        Assert.Equal(TimeSpan.Zero, firedAt);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(TimeSpan.FromMilliseconds(TimerWheel.SlotCount), firedAt);
    }

    [Fact]
    public void Cancel_ScheduledEntry_NeverFires()
    {
        using var wheel = new TimerWheel(_time, () => Now);
        int fired = 0;
        var entry = new TimerWheel.Entry(() => fired++);
        var other = new TimerWheel.Entry(() => fired += 10);
        wheel.Schedule(entry, At(3));
        wheel.Schedule(other, At(3));
        wheel.Cancel(entry);
        wheel.Cancel(entry); // no-op

        _time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal(10, fired);
    }

    [Fact]
    public void Schedule_AfterIdleGap_DeadlineInThePastFiresWithinAMillisecond()
    {
        using var wheel = new TimerWheel(_time, () => Now);
        _time.Advance(TimeSpan.FromSeconds(10)); // nothing scheduled for a while
        int fired = 0;
        wheel.Schedule(new TimerWheel.Entry(() => fired++), At(9_000));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, fired);
    }
}
