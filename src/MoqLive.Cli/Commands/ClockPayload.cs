using System.Globalization;
using System.Text;

namespace MoqLive.Cli.Commands;

/// <summary>
/// Payload of a <c>moqlive publish --clock</c> object: <c>moqlive-clock &lt;unix µs&gt; &lt;ISO 8601 UTC&gt;\n</c>, so
/// <c>moqlive subscribe</c> can compute latency and a raw dump stays readable.
/// </summary>
internal static class ClockPayload
{
    private const string Prefix = "moqlive-clock ";

    public static byte[] Create(DateTimeOffset sendTime) => Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
        $"{Prefix}{(sendTime - DateTimeOffset.UnixEpoch).Ticks / 10} {sendTime.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}\n"));

    public static bool TryParse(ReadOnlySpan<byte> payload, out DateTimeOffset sendTime)
    {
        sendTime = default;
        if (payload.Length > 128 || !payload.StartsWith(Encoding.ASCII.GetBytes(Prefix)))
            return false;
        string text = Encoding.ASCII.GetString(payload[Prefix.Length..]);
        int end = text.IndexOf(' ', StringComparison.Ordinal);
        if (end < 0 || !long.TryParse(text.AsSpan(0, end), NumberStyles.None, CultureInfo.InvariantCulture, out long micros))
            return false;
        sendTime = DateTimeOffset.UnixEpoch + TimeSpan.FromTicks(micros * 10);
        return true;
    }
}
