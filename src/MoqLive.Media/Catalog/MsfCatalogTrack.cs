namespace MoqLive.Media.Catalog;

/// <summary>
/// A track object of an MSF catalog (draft-ietf-moq-msf-00 §5.1) as docs/media-format.md "Catalog track" fixes it:
/// no namespace (inherited from the catalog track), LOC packaging, live, render group 1.
/// </summary>
public sealed record MsfCatalogTrack
{
    /// <summary>Track name (§5.1.9), e.g. <c>video/hd</c>.</summary>
    public required string Name { get; init; }

    /// <summary><c>video</c> or <c>audio</c> (§5.1.12).</summary>
    public required string Role { get; init; }

    /// <summary>WebCodecs codec string (§5.1.20).</summary>
    public required string Codec { get; init; }

    /// <summary>Packaging (§5.1.10); MoqLive media tracks are <c>loc</c>.</summary>
    public string Packaging { get; init; } = "loc";

    /// <summary>Is Live (§5.1.13).</summary>
    public bool IsLive { get; init; } = true;

    /// <summary>Target latency in ms (§5.1.14).</summary>
    public int? TargetLatency { get; init; }

    /// <summary>Render group (§5.1.16); 1 for a channel's audio and video.</summary>
    public int? RenderGroup { get; init; } = 1;

    /// <summary>Alternate group (§5.1.17); 1 for every video rendition.</summary>
    public int? AltGroup { get; init; }

    /// <summary>Decoder description (§5.1.18, base64 in JSON): WebCodecs <c>description</c>.</summary>
    public byte[]? InitData { get; init; }

    public int? Width { get; init; }

    public int? Height { get; init; }

    /// <summary>Frames per second.</summary>
    public double? Framerate { get; init; }

    /// <summary>Bits per second.</summary>
    public long? Bitrate { get; init; }

    /// <summary>Audio sample rate in Hz.</summary>
    public int? Samplerate { get; init; }

    /// <summary>Audio channel configuration, e.g. <c>"2"</c>.</summary>
    public string? ChannelConfig { get; init; }
}
