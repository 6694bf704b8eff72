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

    [Fact]
    public void RunDue_DriverAwake_ScheduleLeavesTheTimerAloneAndTheDriverFiresIt()
    {
        using var wheel = new TimerWheel(_time, () => Now);
        int fired = 0;
        var entry = new TimerWheel.Entry(() => fired++);
        wheel.DriverAwake();
        wheel.Schedule(entry, At(5));

        _time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal(0, fired); // no timer: the awake driver runs it
        wheel.RunDue(e => throw e);
        Assert.Equal(1, fired);
        Assert.Equal(0, wheel.Count);
    }

    [Fact]
    public void RunDueBeforeSleep_SleepsUntilTheEarliestSlotAtMostTheMaximum()
    {
        using var wheel = new TimerWheel(_time, () => Now);
        var entry = new TimerWheel.Entry(() => { });
        wheel.DriverAwake();
        Assert.Equal(TimeSpan.FromMilliseconds(250), wheel.RunDueBeforeSleep(TimeSpan.FromMilliseconds(250), e => throw e));

        wheel.DriverAwake();
        wheel.Schedule(entry, At(7.5)); // slot 7 ms
        _time.Advance(TimeSpan.FromMilliseconds(0.4));
        // Rounded up to whole milliseconds (poll's unit), never before the slot.
        Assert.Equal(TimeSpan.FromMilliseconds(7), wheel.RunDueBeforeSleep(TimeSpan.FromMilliseconds(250), e => throw e));
        wheel.DriverAwake();
        Assert.Equal(TimeSpan.FromMilliseconds(3), wheel.RunDueBeforeSleep(TimeSpan.FromMilliseconds(3), e => throw e));
    }

    [Fact]
    public void Schedule_DriverAsleep_OnlyADeadlineBeforeItsWakeUpArmsTheTimer()
    {
        using var wheel = new TimerWheel(_time, () => Now);
        var fires = new List<string>();
        var early = new TimerWheel.Entry(() => fires.Add("early"));
        var late = new TimerWheel.Entry(() => fires.Add("late"));
        var wakeUp = new TimerWheel.Entry(() => fires.Add("wake-up"));
        wheel.DriverAwake();
        wheel.Schedule(wakeUp, At(20));
        Assert.Equal(TimeSpan.FromMilliseconds(20), wheel.RunDueBeforeSleep(TimeSpan.FromMilliseconds(250), e => throw e));

        // Asleep until 20 ms: another thread's 10 ms timer needs the runtime timer, its 30 ms one does not.
        wheel.Schedule(early, At(10));
        wheel.Schedule(late, At(30));
        _time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal(["early"], fires);
        _time.Advance(TimeSpan.FromMilliseconds(25)); // 35 ms: the driver overslept in this test; the timer did not fire them
        Assert.Equal(["early"], fires);

        wheel.DriverAwake();
        wheel.RunDueBeforeSleep(TimeSpan.FromMilliseconds(250), e => throw e);
        Assert.Equal(["early", "wake-up", "late"], fires);
    }

    [Fact]
    public void DetachDriver_EntriesScheduledWhileDriven_FireByTheTimerAgain()
    {
        using var wheel = new TimerWheel(_time, () => Now);
        int fired = 0;
        var entry = new TimerWheel.Entry(() => fired++);
        wheel.DriverAwake();
        wheel.Schedule(entry, At(5));
        wheel.DetachDriver();

        _time.Advance(TimeSpan.FromMilliseconds(5));
        Assert.Equal(1, fired);
        wheel.Schedule(entry, At(8));
        _time.Advance(TimeSpan.FromMilliseconds(3));
        Assert.Equal(2, fired);
    }

    [Fact]
    public void RunDue_AnEntryThrows_TheOthersStillFire()
    {
        using var wheel = new TimerWheel(_time, () => Now);
        int fired = 0;
        var errors = new List<Exception>();
        var entries = new[]
        {
            new TimerWheel.Entry(() => fired++),
            new TimerWheel.Entry(() => throw new InvalidOperationException("boom")),
            new TimerWheel.Entry(() => fired++),
        };
        wheel.DriverAwake();
        foreach (var entry in entries)
            wheel.Schedule(entry, At(2));
        _time.Advance(TimeSpan.FromMilliseconds(3));
        wheel.RunDue(errors.Add);
        Assert.Equal(2, fired);
        Assert.IsType<InvalidOperationException>(Assert.Single(errors));
    }
}
