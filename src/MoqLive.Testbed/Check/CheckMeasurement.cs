namespace MoqLive.Testbed.Check;

/// <summary>
/// One measured quantity of <c>testbed check</c> against what the profile promises. <see cref="Expected"/> null means
/// informational only (no pass/fail).
/// </summary>
public sealed record CheckMeasurement(string Metric, string Unit, double? Expected, double Measured, double Tolerance, string Method)
{
    /// <summary>Relative tolerance of every comparison: 10 %.</summary>
    public const double RelativeTolerance = 0.10;

    /// <summary>Within tolerance (always true when informational).</summary>
    public bool Passed => Expected is not { } e || Math.Abs(Measured - e) <= Tolerance;

    /// <summary>Tolerance for <paramref name="expected"/>: 10 % of it, but at least <paramref name="floor"/> (for values near zero).</summary>
    public static double ToleranceFor(double expected, double floor) => Math.Max(Math.Abs(expected) * RelativeTolerance, floor);
}
