namespace MoqLive.Quic;

/// <summary>Which side of a stream <see cref="QuicStream.Abort"/> abandons.</summary>
[Flags]
public enum QuicAbortDirection
{
    /// <summary>Stop reading: STOP_SENDING.</summary>
    Read = 1,

    /// <summary>Stop writing: RESET_STREAM.</summary>
    Write = 2,

    /// <summary>Both.</summary>
    Both = Read | Write,
}
