using MoqLive.Moqt.Model;

namespace MoqLive.Moqt.Wire;

/// <summary>
/// REQUEST_ERROR (0x5) (draft-ietf-moq-transport-19 §"REQUEST_ERROR"): Error Code, Retry Interval (ms + 1;
/// 0 = do not retry), Error Reason, and a Redirect when the code is REDIRECT.
/// </summary>
public sealed record RequestError(RequestErrorCode ErrorCode, ulong RetryInterval, string ErrorReason) : MoqtControlMessage
{
    public override MoqtMessageType Type => MoqtMessageType.RequestError;

    /// <summary>Required exactly when <see cref="ErrorCode"/> is <see cref="RequestErrorCode.Redirect"/>.</summary>
    public Redirect? Redirect { get; init; }

    internal override int GetBodyLength(MoqtVersion version)
    {
        if ((ErrorCode == RequestErrorCode.Redirect) != (Redirect is not null))
            throw new InvalidOperationException("REQUEST_ERROR carries a Redirect exactly when the code is REDIRECT.");
        return Vi64.GetEncodedLength((ulong)ErrorCode) + Vi64.GetEncodedLength(RetryInterval) +
            WireLimits.ReasonPhrase(ErrorReason) + (Redirect?.GetEncodedLength() ?? 0);
    }

    internal override void WriteBody(ref MoqtSpanWriter writer, MoqtVersion version)
    {
        writer.WriteVi64((ulong)ErrorCode);
        writer.WriteVi64(RetryInterval);
        writer.WriteReasonPhrase(ErrorReason);
        Redirect?.Write(ref writer);
    }

    internal static RequestError ReadBody(ref MoqtBodyReader reader, MoqtVersion version)
    {
        var code = (RequestErrorCode)reader.ReadVi64();
        ulong retry = reader.ReadVi64();
        string reason = reader.ReadReasonPhrase();
        Redirect? redirect = code == RequestErrorCode.Redirect ? Wire.Redirect.Read(ref reader) : null;
        return new RequestError(code, retry, reason) { Redirect = redirect };
    }
}
