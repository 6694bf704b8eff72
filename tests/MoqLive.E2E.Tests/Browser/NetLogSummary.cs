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

    /// <summary>
    /// One line per WebTransport session in the log: when (ms after the session's start) Chromium sent its first
    /// Initial, got the first packet back, the ServerHello (first CRYPTO data received), HANDSHAKE_DONE, the server's
    /// first unidirectional stream data (its HTTP/3 control stream and SETTINGS: Chromium sends CONNECT only after them,
    /// NOTES.md §2), sent the extended CONNECT (stream 0) and the session was ready; and how many packets it
    /// retransmitted after a PTO or declared lost.
    /// </summary>
    public static IEnumerable<string> WebTransportHandshakes(string text)
    {
        int events = text.IndexOf("\"events\"", StringComparison.Ordinal);
        if (events < 0) yield break;
        Dictionary<string, int> types;
        using (var constants = JsonDocument.Parse(string.Concat(text.AsSpan(0, events).TrimEnd().TrimEnd(','), "}")))
        {
            types = constants.RootElement.GetProperty("constants").GetProperty("logEventTypes").EnumerateObject()
                .ToDictionary(p => p.Name, p => p.Value.GetInt32());
        }

        int Type(string name) => types.GetValueOrDefault(name, -1);
        var sessions = new Dictionary<int, WebTransportSessionTimes>();
        var order = new List<int>();
        foreach (string line in text[events..].Split('\n'))
        {
            if (!line.StartsWith("{\"", StringComparison.Ordinal)) continue;
            // One event per line, "{...}," (the last one "{...}]," closes the array).
            using JsonDocument document = JsonDocument.Parse(line.TrimEnd().TrimEnd(',').TrimEnd(']'));
            JsonElement e = document.RootElement;
            int type = e.GetProperty("type").GetInt32();
            int source = e.GetProperty("source").GetProperty("id").GetInt32();
            long time = long.Parse(e.GetProperty("time").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            e.TryGetProperty("params", out JsonElement p);
            if (type == Type("QUIC_SESSION_WEBTRANSPORT_CLIENT_ALIVE") && !sessions.ContainsKey(source))
            {
                sessions[source] = new WebTransportSessionTimes(time);
                order.Add(source);
            }
            if (!sessions.TryGetValue(source, out WebTransportSessionTimes? s)) continue;
            if (type == Type("QUIC_SESSION_PACKET_SENT"))
            {
                s.InitialSent ??= time;
                if (p.GetProperty("transmission_type").GetString() == "PTO_RETRANSMISSION") s.PtoRetransmissions++;
            }
            else if (type == Type("QUIC_SESSION_PACKET_RECEIVED")) s.FirstReceived ??= time;
            else if (type == Type("QUIC_SESSION_CRYPTO_FRAME_RECEIVED")) s.ServerHello ??= time;
            else if (type == Type("QUIC_SESSION_HANDSHAKE_DONE_FRAME_RECEIVED")) s.HandshakeDone ??= time;
            else if (type == Type("QUIC_SESSION_STREAM_FRAME_RECEIVED") && p.GetProperty("stream_id").GetInt64() % 4 == 3) s.ServerUniStream ??= time;
            else if (type == Type("QUIC_SESSION_STREAM_FRAME_SENT") && p.GetProperty("stream_id").GetInt64() == 0) s.ConnectSent ??= time;
            else if (type == Type("QUIC_SESSION_WEBTRANSPORT_SESSION_READY")) s.Ready ??= time;
            else if (type == Type("QUIC_SESSION_PACKET_LOST")) s.Lost++;
        }

        for (int i = 0; i < order.Count; i++)
            yield return $"net-log WebTransport session {i + 1}: {sessions[order[i]]}";
    }

    private sealed class WebTransportSessionTimes(long start)
    {
        public long? InitialSent, FirstReceived, ServerHello, HandshakeDone, ServerUniStream, ConnectSent, Ready;
        public int PtoRetransmissions, Lost;

        public override string ToString() =>
            $"Initial sent +{Ms(InitialSent)}, first reply +{Ms(FirstReceived)}, ServerHello +{Ms(ServerHello)}, HANDSHAKE_DONE +{Ms(HandshakeDone)}, " +
            $"server control stream +{Ms(ServerUniStream)}, CONNECT sent +{Ms(ConnectSent)}, ready +{Ms(Ready)} ms; " +
            $"{PtoRetransmissions} PTO retransmissions, {Lost} lost";

        private string Ms(long? time) => time is { } t ? (t - start).ToString(System.Globalization.CultureInfo.InvariantCulture) : "?";
    }

    private static int Count(string text, int from, int type) =>
        Regex.Count(text.AsSpan(from), $"\"type\":{type}[,}}]");

    [GeneratedRegex("\"webtransport_http3_version\":\\s*\"([^\"]+)\"")]
    private static partial Regex WebTransportVersionRegex();
}
