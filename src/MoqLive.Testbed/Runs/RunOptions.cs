using MoqLive.Testbed.Profiles;

namespace MoqLive.Testbed.Runs;

/// <summary>What <see cref="TestbedRun.RunAsync"/> does.</summary>
public sealed record RunOptions
{
    public const string Hls = "hls";
    public const string MoqLive = "moqlive";

    /// <summary>MoqLive with the streamer web app (Chromium's fake camera) as the source instead of the shared encoder.</summary>
    public const string MoqLiveWeb = "moqlive-web";

    public required LinkProfile Profile { get; init; }

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    public IReadOnlyList<string> Systems { get; init; } = [MoqLive, Hls];

    public int Viewers { get; init; } = 1;

    public int FramesPerSecond { get; init; } = 30;

    public int BitrateKbps { get; init; } = 1000;

    /// <summary>
    /// Bitrate of MoqLive's second, half-size simulcast rendition (<c>video/sd</c>) for the player's rate adaptation; 0
    /// publishes the one rendition only. HLS gets the <see cref="BitrateKbps"/> rendition only, in every case.
    /// </summary>
    public int LowBitrateKbps { get; init; } = 300;

    public string TraceDirectory { get; init; } = LinkProfiles.TraceDirectory;

    /// <summary>Folder with hls.js (web/node_modules/hls.js/dist).</summary>
    public required string HlsJsDirectory { get; init; }

    /// <summary>The <c>moqlive</c> CLI run for the relay and the publisher (default: moqlive.dll beside this assembly).</summary>
    public string MoqLiveDll { get; init; } = Path.Combine(AppContext.BaseDirectory, "moqlive.dll");
}
