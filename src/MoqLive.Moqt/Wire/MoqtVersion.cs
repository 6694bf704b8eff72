namespace MoqLive.Moqt.Wire;

/// <summary>
/// MOQT protocol versions this library speaks. From draft-17 on the version is negotiated by ALPN /
/// WebTransport protocol token only (there is no version field in SETUP); codecs take the version so that
/// later drafts can sit beside draft-19.
/// </summary>
public enum MoqtVersion
{
    /// <summary>draft-ietf-moq-transport-19, ALPN <c>moqt-19</c>.</summary>
    Draft19 = 19,
}

/// <summary>Helpers for <see cref="MoqtVersion"/>.</summary>
public static class MoqtVersions
{
    /// <summary>Every version this library implements, newest first.</summary>
    public static IReadOnlyList<MoqtVersion> Supported { get; } = [MoqtVersion.Draft19];

    /// <summary>The ALPN / WebTransport protocol token of <paramref name="version"/> (draft-19 §"Session establishment").</summary>
    public static string GetAlpn(this MoqtVersion version) => version switch
    {
        MoqtVersion.Draft19 => "moqt-19",
        _ => throw new ArgumentOutOfRangeException(nameof(version), version, "Unknown MOQT version."),
    };

    /// <summary>Maps a negotiated protocol token back to a version; false when we do not speak it.</summary>
    public static bool TryParseAlpn(string? alpn, out MoqtVersion version)
    {
        foreach (MoqtVersion candidate in Supported)
        {
            if (string.Equals(candidate.GetAlpn(), alpn, StringComparison.Ordinal))
            {
                version = candidate;
                return true;
            }
        }

        version = default;
        return false;
    }
}
