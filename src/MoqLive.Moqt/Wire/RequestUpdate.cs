namespace MoqLive.Moqt.Wire;

/// <summary>
/// REQUEST_UPDATE (0x2), sent on an existing request stream to modify the request (draft-ietf-moq-transport-19
/// §"REQUEST_UPDATE"): Request ID (a new one; it consumes an ID), Parameters.
/// </summary>
public sealed record RequestUpdate(ulong RequestId) : MoqtControlMessage
{
    public override MoqtMessageType Type => MoqtMessageType.RequestUpdate;

    public MessageParameters Parameters { get; init; } = MessageParameters.Empty;

    internal override int GetBodyLength(MoqtVersion version) => Vi64.GetEncodedLength(RequestId) + Parameters.GetEncodedLength();

    internal override void WriteBody(ref MoqtSpanWriter writer, MoqtVersion version)
    {
        writer.WriteVi64(RequestId);
        Parameters.Write(ref writer);
    }

    internal static RequestUpdate ReadBody(ref MoqtBodyReader reader, MoqtVersion version)
    {
        ulong requestId = reader.ReadVi64();
        return new RequestUpdate(requestId) { Parameters = MessageParameters.Read(ref reader, MoqtMessageType.RequestUpdate) };
    }
}
