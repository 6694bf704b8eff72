namespace MoqLive.Media.Mp4;

/// <summary>
/// Limits of <see cref="FragmentedMp4Reader"/>: the input is untrusted (a file or a pipe), so every box it buffers is
/// checked against a bound before anything is allocated. Immutable; change with <c>with</c>.
/// </summary>
public sealed record Mp4ReaderOptions
{
    public static Mp4ReaderOptions Default { get; } = new();

    /// <summary>Largest ftyp, moov or moof box body read into memory. Default 16 MiB.</summary>
    public int MaxBoxSize { get; init; } = 16 * 1024 * 1024;

    /// <summary>Largest mdat body (one fragment's media data) read into memory. Default 64 MiB.</summary>
    public int MaxMdatSize { get; init; } = 64 * 1024 * 1024;

    /// <summary>Most samples in one fragment (all tracks). Default 100,000.</summary>
    public int MaxSamplesPerFragment { get; init; } = 100_000;

    /// <summary>Most tracks in the moov. Default 64.</summary>
    public int MaxTracks { get; init; } = 64;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBoxSize, 64, nameof(MaxBoxSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMdatSize, 1, nameof(MaxMdatSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSamplesPerFragment, 1, nameof(MaxSamplesPerFragment));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTracks, 1, nameof(MaxTracks));
    }
}
