namespace MoqLive.Testbed.Emulation;

/// <summary>
/// A FIFO bottleneck with a drop-tail queue. Because service is FIFO and arrivals are non-decreasing, the
/// departure time of a packet is known when it arrives, so a stage is a pure function of its arrival sequence.
/// </summary>
internal interface IServiceStage
{
    /// <summary>
    /// Offers a packet arriving at <paramref name="arrival"/> (non-decreasing across calls). Returns false if the
    /// queue is full (drop-tail); otherwise <paramref name="departure"/> is when its last byte leaves the stage.
    /// </summary>
    bool TryAdmit(TimeSpan arrival, int size, out TimeSpan departure);
}
