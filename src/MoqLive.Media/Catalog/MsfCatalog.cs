namespace MoqLive.Media.Catalog;

/// <summary>
/// An independent MSF catalog (draft-ietf-moq-msf-00 §5; docs/media-format.md "Catalog track"): one per catalog group,
/// no delta updates. The channel title travels in the custom root field <c>moqlive.title</c> (§5.1 allows custom fields).
/// </summary>
public sealed record MsfCatalog
{
    /// <summary>MSF version (§5.1.1); always 1.</summary>
    public int Version { get; init; } = 1;

    /// <summary>Generated at (§5.1.6): ms since the Unix epoch.</summary>
    public long GeneratedAt { get; init; }

    /// <summary>Is Complete (§5.1.7): false while live; true in the final catalog of an ended broadcast.</summary>
    public bool IsComplete { get; init; }

    public IReadOnlyList<MsfCatalogTrack> Tracks { get; init; } = [];

    /// <summary>Channel title (<c>moqlive.title</c>); empty for none.</summary>
    public string Title { get; init; } = "";
}
