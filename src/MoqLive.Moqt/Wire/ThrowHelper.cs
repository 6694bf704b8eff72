using System.Diagnostics.CodeAnalysis;

namespace MoqLive.Moqt.Wire;

/// <summary>Cold-path throws for the codec.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ProtocolViolation(string reason) =>
        throw new MoqtProtocolException(MoqtErrorCode.ProtocolViolation, reason);

    [DoesNotReturn]
    public static T ProtocolViolation<T>(string reason) =>
        throw new MoqtProtocolException(MoqtErrorCode.ProtocolViolation, reason);

    [DoesNotReturn]
    public static void Protocol(MoqtErrorCode code, string reason) =>
        throw new MoqtProtocolException(code, reason);

    [DoesNotReturn]
    public static void Truncated() =>
        throw new MoqtProtocolException(MoqtErrorCode.ProtocolViolation, "field runs past the end of the message");
}
