namespace MoqLive.Testbed.Traces;

/// <summary>
/// Generates the "varying" bandwidth trace shipped as <c>testdata/traces/varying-0.5-6mbps.trace</c>: the
/// capacity steps between 0.5 and 6 Mbit/s, holding each level for <see cref="StepDuration"/>. The levels come
/// in two rounds, each a seeded shuffle of every level, so each level appears twice and no level repeats
/// back to back. Fully deterministic (its own SplitMix64, independent of <see cref="Random"/>'s algorithm), so
/// the committed file can be checked against this code.
/// </summary>
public static class VaryingTraceGenerator
{
    /// <summary>Capacity levels in kbit/s.</summary>
    public static readonly IReadOnlyList<long> LevelsKbps = [500, 1000, 1500, 2000, 3000, 4000, 5000, 6000];

    /// <summary>How long each level holds: 5 s.</summary>
    public static readonly TimeSpan StepDuration = TimeSpan.FromSeconds(5);

    /// <summary>Seed of the shipped trace.</summary>
    public const ulong DefaultSeed = 20261124;

    /// <summary>File name of the shipped trace, under <c>testdata/traces/</c>.</summary>
    public const string FileName = "varying-0.5-6mbps.trace";

    private const int BitsPerOpportunity = 1500 * 8;

    /// <summary>The capacity schedule: start of each step and its rate in bits per second.</summary>
    public static IReadOnlyList<(TimeSpan Start, long BitsPerSecond)> GetSchedule(ulong seed = DefaultSeed)
    {
        ulong state = seed;
        var levels = new List<long>();
        for (int round = 0; round < 2; round++)
        {
            long[] shuffled = [.. LevelsKbps];
            for (int i = shuffled.Length - 1; i > 0; i--)
            {
                int j = (int)(NextRandom(ref state) % (ulong)(i + 1));
                (shuffled[i], shuffled[j]) = (shuffled[j], shuffled[i]);
            }

            if (levels.Count > 0 && levels[^1] == shuffled[0])
            {
                (shuffled[0], shuffled[1]) = (shuffled[1], shuffled[0]);
            }

            levels.AddRange(shuffled);
        }

        return levels.Select((kbps, i) => (StepDuration * i, kbps * 1000)).ToList();
    }

    /// <summary>Builds the trace: an opportunity is emitted each time the accumulated capacity reaches 1500 bytes.</summary>
    public static MahimahiTrace Generate(ulong seed = DefaultSeed)
    {
        var schedule = GetSchedule(seed);
        long stepMs = (long)StepDuration.TotalMilliseconds;
        long periodMs = stepMs * schedule.Count;
        var lines = new List<long>();
        long credit = 0;
        for (long t = 1; t <= periodMs; t++)
        {
            // Bits available in millisecond (t-1, t] at the step's rate; kbit/s = bits per ms.
            credit += schedule[(int)((t - 1) / stepMs)].BitsPerSecond / 1000;
            while (credit >= BitsPerOpportunity)
            {
                lines.Add(t);
                credit -= BitsPerOpportunity;
            }
        }

        // The last timestamp is the loop period; pin it to the schedule's length.
        if (lines[^1] != periodMs)
        {
            lines.Add(periodMs);
        }

        return MahimahiTrace.FromMilliseconds(lines, FileName);
    }

    // SplitMix64 (Steele, Lea, Flood 2014).
    private static ulong NextRandom(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
