namespace MoqLive.Testbed.Emulation;

/// <summary>
/// Parameters of the Gilbert–Elliott two-state bursty loss model. Per packet, the packet is lost with the loss
/// probability of the current state, then the chain moves Good→Bad with <see cref="GoodToBad"/> or Bad→Good with
/// <see cref="BadToGood"/>. The chain starts in Good.
/// </summary>
public sealed record GilbertElliottOptions
{
    /// <summary>Probability per packet of moving from Good to Bad (p). Default 0.</summary>
    public double GoodToBad { get; init; }

    /// <summary>Probability per packet of moving from Bad to Good (r). Default 1.</summary>
    public double BadToGood { get; init; } = 1;

    /// <summary>Loss probability in the Good state (1 − k). Default 0.</summary>
    public double LossInGood { get; init; }

    /// <summary>Loss probability in the Bad state (1 − h). Default 1.</summary>
    public double LossInBad { get; init; } = 1;

    /// <summary>Stationary probability of the Bad state: p / (p + r).</summary>
    public double BadStateProbability => GoodToBad + BadToGood == 0 ? 0 : GoodToBad / (GoodToBad + BadToGood);

    /// <summary>Long-run average loss rate.</summary>
    public double AverageLossRate =>
        ((1 - BadStateProbability) * LossInGood) + (BadStateProbability * LossInBad);

    /// <summary>
    /// The simple Gilbert model (no loss in Good, all lost in Bad) with the given long-run average loss rate and
    /// mean loss-burst length in packets: r = 1 / burst, p = loss · r / (1 − loss).
    /// </summary>
    public static GilbertElliottOptions FromAverageLoss(double averageLossRate, double meanBurstLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(averageLossRate);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(averageLossRate, 1.0);
        ArgumentOutOfRangeException.ThrowIfLessThan(meanBurstLength, 1.0);
        double r = 1.0 / meanBurstLength;
        double p = averageLossRate * r / (1 - averageLossRate);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 1.0, nameof(averageLossRate));
        return new GilbertElliottOptions { GoodToBad = p, BadToGood = r, LossInGood = 0, LossInBad = 1 };
    }

    internal void Validate()
    {
        CheckProbability(GoodToBad);
        CheckProbability(BadToGood);
        CheckProbability(LossInGood);
        CheckProbability(LossInBad);
    }

    private static void CheckProbability(double value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!(value >= 0 && value <= 1))
        {
            throw new ArgumentOutOfRangeException(name, value, "A probability must be in [0, 1].");
        }
    }
}
