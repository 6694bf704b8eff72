using MoqLive.Moqt.Model;

namespace MoqLive.Media.Publishing;

/// <summary>
/// A channel's namespace, track names and publisher priorities (docs/media-format.md "Namespaces and tracks", "Media
/// tracks").
/// </summary>
public static class ChannelTracks
{
    public const string Catalog = "catalog";
    public const string VideoHd = "video/hd";
    public const string VideoSd = "video/sd";
    public const string Audio = "audio";

    /// <summary>Publisher priorities; lower is more important.</summary>
    public const byte CatalogPriority = 0;
    public const byte AudioPriority = 64;
    public const byte VideoSdPriority = 96;
    public const byte VideoHdPriority = 128;

    /// <summary>Longest channel name.</summary>
    public const int MaxNameLength = 64;

    /// <summary>True for 1–64 characters of <c>[A-Za-z0-9_-]</c>.</summary>
    public static bool IsValidName(string? name) =>
        name is { Length: > 0 and <= MaxNameLength } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    /// <summary>The namespace <c>["live", NAME]</c>.</summary>
    /// <exception cref="ArgumentException">Not a valid channel name.</exception>
    public static TrackNamespace Namespace(string name)
    {
        if (!IsValidName(name))
            throw new ArgumentException($"A channel name is 1–{MaxNameLength} characters of A–Z, a–z, 0–9, _ and -; got '{name}'.", nameof(name));
        return TrackNamespace.Of("live", name);
    }
}
