using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace MoqLive.Testbed.Runs;

/// <summary>
/// Writes the results of one or more runs: <c>results.json</c> (everything), <c>per-second.csv</c>,
/// <c>summary.csv</c> and a self-contained <c>report.html</c> with inline SVG plots (latency over time per system,
/// latency CDFs, one bar group per profile).
/// </summary>
public static class RunReport
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };
    private static readonly string[] s_colors = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e"];

    public static async Task WriteAsync(string directory, IReadOnlyList<SystemResult> results, string command, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "results.json"), JsonSerializer.Serialize(
            new { command, results = results.Select(r => new { r.System, r.Profile, r.Viewers, r.DurationSeconds, r.P50, r.P95, r.TimeToFirstFrameMs, r.Stalls, r.StallSeconds, r.StallRatio, r.DroppedFrames, r.ReceivedKbps, r.FramesPresented, r.LatencySource, r.LocLatencyP50Ms, r.Errors, r.PerSecond, r.LatencyMs }) },
            s_json), cancellationToken).ConfigureAwait(false);

        var perSecond = new StringBuilder("profile,system,second,latency_p50_ms,frames,received_kbps\n");
        foreach (var r in results)
        {
            foreach (var s in r.PerSecond)
            {
                perSecond.Append(Inv($"{r.Profile},{r.System},{s.Second},{s.LatencyMedianMs:0.#},{s.Frames},{s.ReceivedKbps:0.#}\n"));
            }
        }

        await File.WriteAllTextAsync(Path.Combine(directory, "per-second.csv"), perSecond.ToString(), cancellationToken).ConfigureAwait(false);
        var summary = new StringBuilder("profile,system,viewers,latency_p50_ms,latency_p95_ms,time_to_first_frame_ms,stalls,stall_seconds,stall_ratio,dropped_frames,received_kbps,frames,latency_source,loc_latency_p50_ms\n");
        foreach (var r in results)
        {
            summary.Append(Inv($"{r.Profile},{r.System},{r.Viewers},{r.P50:0.#},{r.P95:0.#},{r.TimeToFirstFrameMs:0},{r.Stalls},{r.StallSeconds:0.##},{r.StallRatio:0.####},{r.DroppedFrames},{r.ReceivedKbps:0.#},{r.FramesPresented},{r.LatencySource},{r.LocLatencyP50Ms:0.#}\n"));
        }

        await File.WriteAllTextAsync(Path.Combine(directory, "summary.csv"), summary.ToString(), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(directory, "report.html"), Html(results, command), cancellationToken).ConfigureAwait(false);
    }

    private static string Html(IReadOnlyList<SystemResult> results, string command)
    {
        var systems = results.Select(r => r.System).Distinct().ToList();
        var html = new StringBuilder();
        html.Append("<!doctype html><html><head><meta charset=\"utf-8\"><title>MoqLive testbed report</title><style>")
            .Append("body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}")
            .Append("th{background:#eee}svg{border:1px solid #ddd;margin:0.5em 0}code{background:#f4f4f4;padding:2px 4px}</style></head><body>")
            .Append("<h1>MoqLive testbed: glass-to-glass latency</h1>")
            .Append(Inv($"<p>Reproduce: <code>{WebUtility.HtmlEncode(command)}</code>. Generated {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.</p>"))
            .Append("<h2>Summary</h2><table><tr><th>profile</th><th>system</th><th>viewers</th><th>p50 ms</th><th>p95 ms</th><th>startup ms</th><th>stalls</th><th>stall ratio</th><th>dropped frames</th><th>kbit/s</th><th>frames</th><th>latency from</th><th>player's own p50 ms</th></tr>");
        foreach (var r in results)
        {
            html.Append(Inv($"<tr><td>{r.Profile}</td><td>{r.System}</td><td>{r.Viewers}</td><td>{r.P50:0}</td><td>{r.P95:0}</td><td>{r.TimeToFirstFrameMs:0}</td><td>{r.Stalls}</td><td>{r.StallRatio:P1}</td><td>{r.DroppedFrames}</td><td>{r.ReceivedKbps:0}</td><td>{r.FramesPresented}</td><td>{r.LatencySource}</td><td>{r.LocLatencyP50Ms:0}</td></tr>"));
        }

        html.Append("</table><p>Latency from <b>stamp</b>: the capture time burnt into the source picture, read back from the ")
            .Append("rendered frame (HLS: the &lt;video&gt; element; MoqLive: the audience app's canvas), the same reader for both. ")
            .Append("<b>loc</b>: the source has no stamp (moqlive-web: the streamer app's fake camera), so it is the latency the ")
            .Append("audience app itself reports from each frame's LOC capture TIMESTAMP and its clock-offset estimate. ")
            .Append("<i>Player's own p50</i>: that LOC-based figure for every MoqLive run, for comparison.</p>");
        html.Append("<h2>Median latency (bars: p50; whisker: p95), per profile</h2>").Append(Bars(results, systems));
        foreach (var profile in results.Select(r => r.Profile).Distinct())
        {
            var ofProfile = results.Where(r => r.Profile == profile).ToList();
            html.Append(Inv($"<h2>{profile}</h2><h3>Latency over time (median per second)</h3>")).Append(OverTime(ofProfile, systems))
                .Append("<h3>Latency CDF</h3>").Append(Cdf(ofProfile, systems));
        }

        html.Append(Legend(systems)).Append("</body></html>");
        return html.ToString();
    }

    private static string Legend(List<string> systems) =>
        "<p>" + string.Join(" ", systems.Select((s, i) => $"<span style=\"color:{Color(i)}\">&#9632; {s}</span>")) + "</p>";

    private static string Color(int index) => s_colors[index % s_colors.Length];

    private static string OverTime(List<SystemResult> results, List<string> systems)
    {
        const int w = 800, h = 260, left = 60, bottom = 30;
        double maxX = Math.Max(1, results.Max(r => r.PerSecond.Count));
        double maxY = Math.Max(100, results.SelectMany(r => r.PerSecond).Max(s => s.LatencyMedianMs ?? 0) * 1.1);
        var svg = Axes(w, h, left, bottom, maxX, maxY, "run time (s)", "latency (ms)");
        foreach (var r in results)
        {
            var points = r.PerSecond.Where(s => s.LatencyMedianMs is not null)
                .Select(s => Inv($"{left + (s.Second + 0.5) / maxX * (w - left - 10):0.#},{h - bottom - s.LatencyMedianMs!.Value / maxY * (h - bottom - 10):0.#}"));
            svg.Append(Inv($"<polyline fill=\"none\" stroke-width=\"2\" stroke=\"{Color(systems.IndexOf(r.System))}\" points=\"{string.Join(' ', points)}\"/>"));
        }

        return svg.Append("</svg>").ToString();
    }

    private static string Cdf(List<SystemResult> results, List<string> systems)
    {
        const int w = 800, h = 260, left = 60, bottom = 30;
        double maxX = Math.Max(100, results.Max(r => r.Percentile(0.99) ?? 0) * 1.1);
        var svg = Axes(w, h, left, bottom, maxX, 1, "latency (ms)", "fraction of frames");
        foreach (var r in results.Where(r => r.LatencyMs.Count > 0))
        {
            int step = Math.Max(1, r.LatencyMs.Count / 400);
            var points = Enumerable.Range(0, r.LatencyMs.Count).Where(i => i % step == 0 || i == r.LatencyMs.Count - 1)
                .Select(i => Inv($"{left + Math.Min(r.LatencyMs[i], maxX) / maxX * (w - left - 10):0.#},{h - bottom - (i + 1.0) / r.LatencyMs.Count * (h - bottom - 10):0.#}"));
            svg.Append(Inv($"<polyline fill=\"none\" stroke-width=\"2\" stroke=\"{Color(systems.IndexOf(r.System))}\" points=\"{string.Join(' ', points)}\"/>"));
        }

        return svg.Append("</svg>").ToString();
    }

    private static string Bars(IReadOnlyList<SystemResult> results, List<string> systems)
    {
        var profiles = results.Select(r => r.Profile).Distinct().ToList();
        const int h = 260, left = 60, bottom = 30, bar = 28;
        int group = (systems.Count * bar) + 30;
        int w = Math.Max(300, left + (profiles.Count * group) + 20);
        double maxY = Math.Max(100, results.Max(r => r.P95 ?? 0) * 1.1);
        var svg = Axes(w, h, left, bottom, 0, maxY, "", "latency (ms)");
        for (int p = 0; p < profiles.Count; p++)
        {
            int x0 = left + 15 + (p * group);
            svg.Append(Inv($"<text x=\"{x0 + (systems.Count * bar / 2)}\" y=\"{h - 10}\" text-anchor=\"middle\" font-size=\"12\">{profiles[p]}</text>"));
            for (int s = 0; s < systems.Count; s++)
            {
                if (results.FirstOrDefault(r => r.Profile == profiles[p] && r.System == systems[s]) is not { P50: { } p50 } r)
                {
                    continue;
                }

                double y = h - bottom - (p50 / maxY * (h - bottom - 10));
                double y95 = h - bottom - ((r.P95 ?? p50) / maxY * (h - bottom - 10));
                int x = x0 + (s * bar);
                svg.Append(Inv($"<rect x=\"{x}\" y=\"{y:0.#}\" width=\"{bar - 4}\" height=\"{h - bottom - y:0.#}\" fill=\"{Color(s)}\"><title>{systems[s]} p50 {p50:0} ms</title></rect>"))
                    .Append(Inv($"<line x1=\"{x + ((bar - 4) / 2)}\" x2=\"{x + ((bar - 4) / 2)}\" y1=\"{y:0.#}\" y2=\"{y95:0.#}\" stroke=\"#333\"/>"));
            }
        }

        return svg.Append("</svg>").ToString();
    }

    private static StringBuilder Axes(int w, int h, int left, int bottom, double maxX, double maxY, string xLabel, string yLabel)
    {
        var svg = new StringBuilder(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" font-size=\"11\">"));
        svg.Append(Inv($"<line x1=\"{left}\" y1=\"{h - bottom}\" x2=\"{w - 10}\" y2=\"{h - bottom}\" stroke=\"#000\"/><line x1=\"{left}\" y1=\"10\" x2=\"{left}\" y2=\"{h - bottom}\" stroke=\"#000\"/>"));
        for (int i = 0; i <= 4; i++)
        {
            double y = h - bottom - (i / 4.0 * (h - bottom - 10));
            svg.Append(Inv($"<text x=\"{left - 4}\" y=\"{y + 4:0}\" text-anchor=\"end\">{maxY * i / 4:0.##}</text>"));
            if (maxX > 0)
            {
                double x = left + (i / 4.0 * (w - left - 10));
                svg.Append(Inv($"<text x=\"{x:0}\" y=\"{h - bottom + 14}\" text-anchor=\"middle\">{maxX * i / 4:0.#}</text>"));
            }
        }

        svg.Append(Inv($"<text x=\"{(w + left) / 2}\" y=\"{h - 2}\" text-anchor=\"middle\">{xLabel}</text><text x=\"12\" y=\"{h / 2}\" transform=\"rotate(-90 12 {h / 2})\" text-anchor=\"middle\">{yLabel}</text>"));
        return svg;
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
