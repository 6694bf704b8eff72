namespace MoqLive.Quic.Crypto;

/// <summary>
/// The keys of one encryption level: <see cref="Local"/> seals what this endpoint sends, <see cref="Remote"/>
/// opens what the peer sends.
/// </summary>
internal sealed class LevelKeys : IDisposable
{
    public LevelKeys(EncryptionLevel level, DirectionalKeys local, DirectionalKeys remote)
    {
        Level = level;
        Local = local;
        Remote = remote;
    }

    public EncryptionLevel Level { get; }

    public DirectionalKeys Local { get; }

    public DirectionalKeys Remote { get; }

    public void Dispose()
    {
        Local.Dispose();
        Remote.Dispose();
    }
}
