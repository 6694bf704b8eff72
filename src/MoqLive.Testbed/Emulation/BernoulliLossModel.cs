namespace MoqLive.Testbed.Emulation;

/// <summary>Independent (Bernoulli) loss: each packet is lost with the same probability.</summary>
internal sealed class BernoulliLossModel(double lossRate, Random random) : ILossModel
{
    public bool ShouldDrop() => lossRate > 0 && random.NextDouble() < lossRate;
}
