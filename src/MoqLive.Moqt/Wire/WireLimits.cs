using System.Text;
using MoqLive.Moqt.Model;

namespace MoqLive.Moqt.Wire;

/// <summary>Size limits from draft-ietf-moq-transport-19, and length helpers shared by the codecs.</summary>
public static class WireLimits
{
    /// <summary>Control message bodies have a 16-bit length (§"Control Messages").</summary>
    public const int MaxControlMessageBodyLength = ushort.MaxValue;

    /// <summary>Reason Phrase Length maximum (§"Reason Phrase Structure").</summary>
    public const int MaxReasonPhraseLength = 1024;

    /// <summary>Most Track Namespace Fields in a namespace or prefix (§"Track Naming").</summary>
    public const int MaxNamespaceFields = 32;

    /// <summary>Maximum Full Track Name (and Track Namespace) length in bytes (§"Track Naming").</summary>
    public const int MaxFullTrackNameLength = 4096;

    /// <summary>Maximum Key-Value-Pair value length (§"Key-Value-Pair Structure").</summary>
    public const int MaxKeyValueLength = ushort.MaxValue;

    /// <summary>Maximum GOAWAY New Session URI length (§"GOAWAY").</summary>
    public const int MaxGoAwayUriLength = 8192;

    internal static int Vi64Length(ulong value) => Vi64.GetEncodedLength(value);

    internal static int LengthPrefixed(int length) => Vi64.GetEncodedLength((ulong)length) + length;

    internal static int ReasonPhrase(string reason)
    {
        int length = Encoding.UTF8.GetByteCount(reason);
        if (length > MaxReasonPhraseLength)
            throw new ArgumentException($"A reason phrase is at most {MaxReasonPhraseLength} bytes of UTF-8.", nameof(reason));
        return LengthPrefixed(length);
    }

    internal static int Location(Location location) =>
        Vi64.GetEncodedLength(location.Group) + Vi64.GetEncodedLength(location.Object);
}
