using MoqLive.Moqt.Model;

namespace MoqLive.Media.Loc;

/// <summary>
/// The LOC object properties MoqLive channels use (draft-ietf-moq-loc-04 §2.3; docs/media-format.md "Media tracks"),
/// carried as MOQT object properties (<see cref="MoqtProperty"/>).
/// </summary>
public static class LocProperties
{
    /// <summary>TIMESTAMP (0x10, even: a varint): capture time in µs since the Unix epoch, no TIMESCALE property.</summary>
    public const ulong Timestamp = 0x10;

    /// <summary>VIDEO_CONFIG (0x0D, odd: bytes): the decoder description, on the first object of each video group.</summary>
    public const ulong VideoConfig = 0x0D;

    /// <summary>TIMESTAMP, plus VIDEO_CONFIG when <paramref name="videoConfig"/> is not empty.</summary>
    public static MoqtProperties Create(long timestampMicroseconds, ReadOnlySpan<byte> videoConfig = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(timestampMicroseconds);
        MoqtProperty timestamp = MoqtProperty.FromInt(Timestamp, (ulong)timestampMicroseconds);
        return videoConfig.IsEmpty
            ? MoqtProperties.Create([timestamp])
            : MoqtProperties.Create([MoqtProperty.FromBytes(VideoConfig, videoConfig), timestamp]);
    }

    /// <summary>The TIMESTAMP property in µs since the Unix epoch, if present and in range.</summary>
    public static bool TryGetTimestamp(MoqtProperties properties, out long timestampMicroseconds)
    {
        ArgumentNullException.ThrowIfNull(properties);
        timestampMicroseconds = 0;
        if (!properties.TryGet(Timestamp, out MoqtProperty property) || property.IntValue > long.MaxValue)
            return false;
        timestampMicroseconds = (long)property.IntValue;
        return true;
    }

    /// <summary>The VIDEO_CONFIG property, if present.</summary>
    public static bool TryGetVideoConfig(MoqtProperties properties, out ReadOnlyMemory<byte> videoConfig)
    {
        ArgumentNullException.ThrowIfNull(properties);
        bool found = properties.TryGet(VideoConfig, out MoqtProperty property);
        videoConfig = found ? property.BytesValue : default;
        return found;
    }
}
