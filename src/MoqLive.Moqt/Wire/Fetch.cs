using MoqLive.Moqt.Model;

namespace MoqLive.Moqt.Wire;

/// <summary>
/// FETCH (0x16), first message of a request stream (draft-ietf-moq-transport-19 §"FETCH"): Request ID,
/// Fetch Type, then either a Standalone Fetch (Track Namespace, Track Name, Start Location, End Location) or a
/// Joining Fetch (Joining Request ID, Joining Start), then Parameters. Build with <see cref="Standalone"/>,
/// <see cref="RelativeJoining"/> or <see cref="AbsoluteJoining"/>.
/// </summary>
public sealed record Fetch : MoqtControlMessage
{
    private Fetch(ulong requestId, FetchType fetchType)
    {
        RequestId = requestId;
        FetchType = fetchType;
    }

    public override MoqtMessageType Type => MoqtMessageType.Fetch;

    public ulong RequestId { get; }

    public FetchType FetchType { get; }

    /// <summary>Standalone only.</summary>
    public TrackNamespace? TrackNamespace { get; private init; }

    /// <summary>Standalone only.</summary>
    public ReadOnlyMemory<byte> TrackName { get; private init; }

    /// <summary>Standalone only.</summary>
    public Location StartLocation { get; private init; }

    /// <summary>Standalone only: the last Location plus one object; Object 0 means the whole End group.</summary>
    public Location EndLocation { get; private init; }

    /// <summary>Joining only: Request ID of the subscription joined.</summary>
    public ulong JoiningRequestId { get; private init; }

    /// <summary>Joining only: groups before the Joining Location (relative) or the start group (absolute).</summary>
    public ulong JoiningStart { get; private init; }

    public MessageParameters Parameters { get; init; } = MessageParameters.Empty;

    public static Fetch Standalone(ulong requestId, TrackNamespace trackNamespace, ReadOnlyMemory<byte> trackName, Location start, Location end)
    {
        TrackNamespace.ValidateTrackName(trackNamespace, trackName);
        return new Fetch(requestId, FetchType.Standalone)
        {
            TrackNamespace = trackNamespace,
            TrackName = trackName,
            StartLocation = start,
            EndLocation = end,
        };
    }

    public static Fetch RelativeJoining(ulong requestId, ulong joiningRequestId, ulong groupsBefore) =>
        new(requestId, FetchType.RelativeJoining) { JoiningRequestId = joiningRequestId, JoiningStart = groupsBefore };

    public static Fetch AbsoluteJoining(ulong requestId, ulong joiningRequestId, ulong startGroup) =>
        new(requestId, FetchType.AbsoluteJoining) { JoiningRequestId = joiningRequestId, JoiningStart = startGroup };

    internal override int GetBodyLength(MoqtVersion version)
    {
        int length = Vi64.GetEncodedLength(RequestId) + Vi64.GetEncodedLength((ulong)FetchType);
        if (FetchType == FetchType.Standalone)
        {
            length += TrackNamespace!.GetEncodedLength() + WireLimits.LengthPrefixed(TrackName.Length) +
                WireLimits.Location(StartLocation) + WireLimits.Location(EndLocation);
        }
        else
        {
            length += Vi64.GetEncodedLength(JoiningRequestId) + Vi64.GetEncodedLength(JoiningStart);
        }

        return length + Parameters.GetEncodedLength();
    }

    internal override void WriteBody(ref MoqtSpanWriter writer, MoqtVersion version)
    {
        writer.WriteVi64(RequestId);
        writer.WriteVi64((ulong)FetchType);
        if (FetchType == FetchType.Standalone)
        {
            TrackNamespace!.Write(ref writer);
            writer.WriteLengthPrefixed(TrackName.Span);
            writer.WriteLocation(StartLocation);
            writer.WriteLocation(EndLocation);
        }
        else
        {
            writer.WriteVi64(JoiningRequestId);
            writer.WriteVi64(JoiningStart);
        }

        Parameters.Write(ref writer);
    }

    internal static Fetch ReadBody(ref MoqtBodyReader reader, MoqtVersion version)
    {
        ulong requestId = reader.ReadVi64();
        ulong type = reader.ReadVi64();
        Fetch fetch;
        switch ((FetchType)type)
        {
            case FetchType.Standalone:
                {
                    TrackNamespace ns = Wire.TrackNamespace.Read(ref reader);
                    ReadOnlyMemory<byte> name = Wire.TrackNamespace.ReadTrackName(ref reader, ns);
                    Location start = reader.ReadLocation();
                    Location end = reader.ReadLocation();
                    fetch = Standalone(requestId, ns, name, start, end);
                    break;
                }

            case FetchType.RelativeJoining:
                fetch = RelativeJoining(requestId, reader.ReadVi64(), reader.ReadVi64());
                break;
            case FetchType.AbsoluteJoining:
                fetch = AbsoluteJoining(requestId, reader.ReadVi64(), reader.ReadVi64());
                break;
            default:
                throw new MoqtProtocolException(MoqtErrorCode.ProtocolViolation, $"unknown Fetch Type {type}");
        }

        return fetch with { Parameters = MessageParameters.Read(ref reader, MoqtMessageType.Fetch) };
    }

    public bool Equals(Fetch? other) =>
        other is not null && RequestId == other.RequestId && FetchType == other.FetchType &&
        Equals(TrackNamespace, other.TrackNamespace) && TrackName.Span.SequenceEqual(other.TrackName.Span) &&
        StartLocation == other.StartLocation && EndLocation == other.EndLocation &&
        JoiningRequestId == other.JoiningRequestId && JoiningStart == other.JoiningStart && Parameters.Equals(other.Parameters);

    public override int GetHashCode() => HashCode.Combine(RequestId, FetchType);
}
