namespace MoqLive.Quic.Crypto;

/// <summary>A generation of 1-RTT AEAD keys produced by a key update (RFC 9001 §6); header keys are unchanged.</summary>
internal sealed class PacketKeyPair : IDisposable
{
    public PacketKeyPair(PacketKey local, PacketKey remote)
    {
        Local = local;
        Remote = remote;
    }

    /// <summary>Seals packets this endpoint sends.</summary>
    public PacketKey Local { get; }

    /// <summary>Opens packets the peer sends.</summary>
    public PacketKey Remote { get; }

    public void Dispose()
    {
        Local.Dispose();
        Remote.Dispose();
    }
}
