namespace MoqLive.Quic;

/// <summary>
/// A point on a monotonic clock, passed into the sans-IO core by its driver. Ticks are <see cref="TimeSpan"/>
/// ticks (100 ns) since an arbitrary epoch chosen by the driver; only differences are meaningful. The core never
/// reads a clock itself, which keeps it deterministic under test.
/// </summary>
public readonly record struct Instant(long Ticks) : IComparable<Instant>
{
    /// <summary>The epoch of the clock (tick 0).</summary>
    public static Instant Zero => default;

    /// <summary>A time later than any other; useful as "never".</summary>
    public static Instant MaxValue => new(long.MaxValue);

    public static Instant FromMilliseconds(double ms) => new((long)(ms * TimeSpan.TicksPerMillisecond));

    public int CompareTo(Instant other) => Ticks.CompareTo(other.Ticks);

    public static Instant operator +(Instant a, TimeSpan b) =>
        new(b.Ticks > 0 && a.Ticks > long.MaxValue - b.Ticks ? long.MaxValue : a.Ticks + b.Ticks);

    public static Instant operator -(Instant a, TimeSpan b) => new(a.Ticks - b.Ticks);

    public static TimeSpan operator -(Instant a, Instant b) => new(a.Ticks - b.Ticks);

    public static bool operator <(Instant a, Instant b) => a.Ticks < b.Ticks;

    public static bool operator >(Instant a, Instant b) => a.Ticks > b.Ticks;

    public static bool operator <=(Instant a, Instant b) => a.Ticks <= b.Ticks;

    public static bool operator >=(Instant a, Instant b) => a.Ticks >= b.Ticks;

    public static Instant Min(Instant a, Instant b) => a <= b ? a : b;

    public static Instant Max(Instant a, Instant b) => a >= b ? a : b;

    /// <summary>The earlier of two optional instants, ignoring nulls.</summary>
    public static Instant? Earliest(Instant? a, Instant? b) =>
        a is null ? b : b is null ? a : Min(a.Value, b.Value);

    public override string ToString() => $"{TimeSpan.FromTicks(Ticks).TotalMilliseconds:0.###}ms";
}
