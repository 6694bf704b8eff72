using System.Globalization;

namespace MoqLive.Transport;

/// <summary>The peer reset the stream (RESET_STREAM) or asked us to stop sending on it (STOP_SENDING).</summary>
public sealed class TransportStreamAbortedException : IOException
{
    public TransportStreamAbortedException(ulong errorCode, bool peerStoppedSending)
        : base(string.Create(CultureInfo.InvariantCulture,
            $"The peer {(peerStoppedSending ? "stopped reading" : "reset")} the stream with error code 0x{errorCode:x}."))
    {
        ErrorCode = errorCode;
        PeerStoppedSending = peerStoppedSending;
    }

    /// <summary>The application error code the peer sent.</summary>
    public ulong ErrorCode { get; }

    /// <summary>True for STOP_SENDING (our send side was refused), false for RESET_STREAM (our receive side was abandoned).</summary>
    public bool PeerStoppedSending { get; }
}
