using System.Text.Json;
using System.Text.RegularExpressions;

namespace MoqLive.E2E.Tests.Browser;

/// <summary>
/// What the tests read from Chromium's net-log (<c>--log-net-log</c>): the WebTransport draft the session ran
/// (QUIC_SESSION_WEBTRANSPORT_SESSION_READY) and how many QUIC DATAGRAM frames Chromium sent and received.
/// </summary>
internal sealed partial record NetLogSummary(string? WebTransportVersion, int DatagramsSent, int DatagramsReceived)
{
    public static NetLogSummary Read(string text)
    {
        Match version = WebTransportVersionRegex().Match(text);
        int sent = -1, received = -1;
        int events = text.IndexOf("\"events\"", StringComparison.Ordinal);
        if (events > 0)
        {
            try
            {
                // The log is {"constants":{...},"events":[...]}; the event type numbers are in the constants.
                using var constants = JsonDocument.Parse(string.Concat(text.AsSpan(0, events).TrimEnd().TrimEnd(','), "}"));
                JsonElement types = constants.RootElement.GetProperty("constants").GetProperty("logEventTypes");
                sent = Count(text, events, types.GetProperty("QUIC_SESSION_MESSAGE_FRAME_SENT").GetInt32());
                received = Count(text, events, types.GetProperty("QUIC_SESSION_MESSAGE_FRAME_RECEIVED").GetInt32());
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException)
            {
            }
        }

        return new NetLogSummary(version.Success ? version.Groups[1].Value : null, sent, received);
    }

    /// <summary>One line per QUIC session in the log (work in progress).</summary>
    public static IEnumerable<string> QuicHandshakes(string text) => [$"net-log: {text.Length} chars"];

    private static int Count(string text, int from, int type) =>
        Regex.Count(text.AsSpan(from), $"\"type\":{type}[,}}]");

    [GeneratedRegex("\"webtransport_http3_version\":\\s*\"([^\"]+)\"")]
    private static partial Regex WebTransportVersionRegex();
}
