using System.Text.RegularExpressions;

namespace MoqLive.E2E.Tests.Server;

/// <summary>What tests read from the banner <c>moqlive serve</c> prints at start: its URLs and certificate hash.</summary>
internal static partial class ServeBanner
{
    [GeneratedRegex(@"MOQT raw QUIC\s+(moqt://\S+)")]
    public static partial Regex MoqtUrl();

    [GeneratedRegex(@"MOQT WebTransport\s+(https://\S+)")]
    public static partial Regex WebTransportUrl();

    [GeneratedRegex(@"Web \(HTTPS\)\s+(https://\S+)")]
    public static partial Regex WebUrl();

    [GeneratedRegex(@"Certificate SHA-256: ([0-9a-f]{64})")]
    public static partial Regex Hash();
}
