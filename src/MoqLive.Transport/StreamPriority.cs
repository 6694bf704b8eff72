namespace MoqLive.Transport;

/// <summary>
/// Send priority of a stream. Scheduling is strict by <see cref="Urgency"/> (lower is sent first); among
/// streams of equal urgency, lower <see cref="Order"/> goes first; streams equal in both share bandwidth
/// round-robin. MOQT maps subscriber priority, publisher priority and group order onto these two numbers
/// (draft-ietf-moq-transport-19 §"Priorities").
/// </summary>
/// <param name="Urgency">Strict class; lower is more important. The default, 0, is the most urgent.</param>
/// <param name="Order">Tie-breaker within an urgency; lower goes first (e.g. the group ID for ascending group order).</param>
public readonly record struct StreamPriority(int Urgency, long Order)
{
    /// <summary>The priority of a stream nobody set one for.</summary>
    public static StreamPriority Default => default;
}
