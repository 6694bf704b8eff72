using MoqLive.Moqt.Model;

namespace MoqLive.Moqt.Wire;

/// <summary>
/// PUBLISH_DONE (0xB), the publisher's last message on a subscription's request stream
/// (draft-ietf-moq-transport-19 §"PUBLISH_DONE"): Status Code, Stream Count, Error Reason.
/// </summary>
public sealed record PublishDone(PublishDoneStatusCode StatusCode, ulong StreamCount, string ErrorReason) : MoqtControlMessage
{
    /// <summary>Stream Count value for "unknown number of streams" (2^62 - 1).</summary>
    public const ulong UnknownStreamCount = (1UL << 62) - 1;

    public override MoqtMessageType Type => MoqtMessageType.PublishDone;

    internal override int GetBodyLength(MoqtVersion version) =>
        Vi64.GetEncodedLength((ulong)StatusCode) + Vi64.GetEncodedLength(StreamCount) + WireLimits.ReasonPhrase(ErrorReason);

    internal override void WriteBody(ref MoqtSpanWriter writer, MoqtVersion version)
    {
        writer.WriteVi64((ulong)StatusCode);
        writer.WriteVi64(StreamCount);
        writer.WriteReasonPhrase(ErrorReason);
    }

    internal static PublishDone ReadBody(ref MoqtBodyReader reader, MoqtVersion version)
    {
        ulong status = reader.ReadVi64();
        ulong count = reader.ReadVi64();
        string reason = reader.ReadReasonPhrase();
        return new PublishDone((PublishDoneStatusCode)status, count, reason);
    }
}
