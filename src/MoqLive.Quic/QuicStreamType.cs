namespace MoqLive.Quic;

/// <summary>Kind of stream to open (System.Net.Quic's <c>QuicStreamType</c>).</summary>
public enum QuicStreamType
{
    /// <summary>Send-only for the opener.</summary>
    Unidirectional,

    /// <summary>Both directions.</summary>
    Bidirectional,
}
