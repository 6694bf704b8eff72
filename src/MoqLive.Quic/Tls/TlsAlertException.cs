namespace MoqLive.Quic.Tls;

/// <summary>
/// The TLS handshake failed with <see cref="Alert"/>. The QUIC connection catches it and closes with
/// <see cref="TransportErrorCode"/> (0x100 + alert, RFC 9001 §4.8).
/// </summary>
public sealed class TlsAlertException : Exception
{
    public TlsAlertException(TlsAlert alert, string message)
        : base(message)
    {
        Alert = alert;
    }

    public TlsAlertException(TlsAlert alert, string message, Exception innerException)
        : base(message, innerException)
    {
        Alert = alert;
    }

    public TlsAlertException()
        : this(TlsAlert.InternalError, "TLS internal error")
    {
    }

    public TlsAlertException(string message)
        : this(TlsAlert.InternalError, message)
    {
    }

    public TlsAlertException(string message, Exception innerException)
        : this(TlsAlert.InternalError, message, innerException)
    {
    }

    /// <summary>The alert the handshake failed with.</summary>
    public TlsAlert Alert { get; }

    /// <summary>QUIC CRYPTO_ERROR code for this alert: 0x100 + alert.</summary>
    public ulong TransportErrorCode => 0x100UL + (byte)Alert;
}
