using System.Text;

namespace MoqLive.Moqt.Wire;

/// <summary>
/// The Redirect structure of a REQUEST_ERROR with code REDIRECT (draft-ietf-moq-transport-19 §"Redirect
/// Structure"): Connect URI, Track Namespace, Track Name. Empty namespace and name mean "same as the request".
/// </summary>
public sealed record Redirect(string ConnectUri, TrackNamespace TrackNamespace, ReadOnlyMemory<byte> TrackName)
{
    internal int GetEncodedLength()
    {
        TrackNamespace.ValidateTrackName(TrackNamespace, TrackName);
        return WireLimits.LengthPrefixed(Encoding.UTF8.GetByteCount(ConnectUri)) + TrackNamespace.GetEncodedLength() +
            WireLimits.LengthPrefixed(TrackName.Length);
    }

    internal void Write(ref MoqtSpanWriter writer)
    {
        writer.WriteLengthPrefixed(Encoding.UTF8.GetBytes(ConnectUri));
        TrackNamespace.Write(ref writer);
        writer.WriteLengthPrefixed(TrackName.Span);
    }

    internal static Redirect Read(ref MoqtBodyReader reader)
    {
        string uri = Encoding.UTF8.GetString(reader.ReadLengthPrefixed(WireLimits.MaxControlMessageBodyLength, "Connect URI"));
        TrackNamespace ns = TrackNamespace.Read(ref reader);
        return new Redirect(uri, ns, TrackNamespace.ReadTrackName(ref reader, ns));
    }

    public bool Equals(Redirect? other) =>
        other is not null && ConnectUri == other.ConnectUri && TrackNamespace.Equals(other.TrackNamespace) &&
        TrackName.Span.SequenceEqual(other.TrackName.Span);

    public override int GetHashCode() => HashCode.Combine(ConnectUri, TrackNamespace);
}
