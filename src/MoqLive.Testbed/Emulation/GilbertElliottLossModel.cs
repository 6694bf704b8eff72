namespace MoqLive.Testbed.Emulation;

/// <summary>Bursty loss from a two-state Markov chain; see <see cref="GilbertElliottOptions"/>.</summary>
internal sealed class GilbertElliottLossModel(GilbertElliottOptions options, Random random) : ILossModel
{
    private bool _bad;

    public bool ShouldDrop()
    {
        double loss = _bad ? options.LossInBad : options.LossInGood;
        bool drop = loss > 0 && random.NextDouble() < loss;
        double leave = _bad ? options.BadToGood : options.GoodToBad;
        if (leave > 0 && random.NextDouble() < leave)
        {
            _bad = !_bad;
        }

        return drop;
    }
}
