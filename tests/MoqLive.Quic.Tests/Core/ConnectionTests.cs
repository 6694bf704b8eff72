using MoqLive.Quic.Core;
using MoqLive.Quic.Streams;

namespace MoqLive.Quic.Tests.Core;

public class ConnectionTests
{
    [Fact]
    public void Handshake_Completes_BothSidesConnectedAndConfirmed()
    {
        var pair = new QuicPair();
        pair.Handshake();
        Assert.Equal(ConnectionState.Established, pair.Client.State);
        Assert.Equal(ConnectionState.Established, pair.Server!.State);
        Assert.Equal("moqt-19", pair.Client.ApplicationProtocol);
        Assert.Contains(pair.ClientEvents, e => e.Kind == ConnectionEventKind.Connected);
        Assert.Contains(pair.ServerEvents, e => e.Kind == ConnectionEventKind.Connected);
        Assert.Contains(pair.ClientEvents, e => e.Kind == ConnectionEventKind.HandshakeConfirmed);
    }
}
