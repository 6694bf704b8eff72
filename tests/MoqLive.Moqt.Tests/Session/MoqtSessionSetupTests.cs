using MoqLive.Moqt.Session;
using MoqLive.Moqt.Wire;
using MoqLive.Testing;
using MoqLive.Transport;
using MoqLive.Transport.InMemory;

namespace MoqLive.Moqt.Tests.Session;

public sealed class MoqtSessionSetupTests
{
    public static TheoryData<MoqtVersion> Versions() => [.. MoqtVersions.Supported];

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Connect_Accept_ExchangeSetup(MoqtVersion version)
    {
        string? seenPath = null;
        await using SessionPair pair = await SessionPair.CreateAsync(version,
            new MoqtSessionOptions { Path = "/live?room=1", Authority = "relay.example", ImplementationName = "client/1" },
            new MoqtSessionOptions { ImplementationName = "server/1", AcceptPath = (path, _) => (seenPath = path) is not null });

        Assert.Equal(version, pair.Client.Version);
        Assert.True(pair.Client.IsClient);
        Assert.False(pair.Server.IsClient);
        Assert.Equal("server/1", pair.Client.PeerSetup.MoqtImplementation);
        Assert.Equal("client/1", pair.Server.PeerSetup.MoqtImplementation);
        Assert.Equal("/live?room=1", pair.Server.PeerSetup.Path);
        Assert.Equal("relay.example", pair.Server.PeerSetup.Authority);
        Assert.Equal("/live?room=1", seenPath);
        Assert.Null(pair.Client.PeerSetup.Path);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Connect_UnsupportedAlpn_FailsWithVersionNegotiationFailed(MoqtVersion version)
    {
        _ = version;
        (InMemorySession client, InMemorySession server) = InMemorySessionPair.Create(new InMemorySessionOptions { Protocol = "moqt-99" });
        MoqtSessionException e = await Assert.ThrowsAsync<MoqtSessionException>(() => MoqtSession.ConnectAsync(client).WithTimeout());
        Assert.Equal(MoqtErrorCode.VersionNegotiationFailed, e.ErrorCode);
        TransportCloseInfo closed = await server.Closed.WithTimeout();
        Assert.Equal((ulong)MoqtErrorCode.VersionNegotiationFailed, closed.ErrorCode);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Accept_PathRefused_ClosesWithInvalidPath(MoqtVersion version)
    {
        (InMemorySession client, InMemorySession server) = InMemorySessionPair.Create(new InMemorySessionOptions { Protocol = version.GetAlpn() });
        Task<MoqtSession> connect = MoqtSession.ConnectAsync(client, new MoqtSessionOptions { Path = "/other" });
        Task<MoqtSession> accept = MoqtSession.AcceptAsync(server, new MoqtSessionOptions { AcceptPath = (path, _) => path == "/live" });
        await Assert.ThrowsAsync<MoqtSessionException>(() => accept.WithTimeout());
        TransportCloseInfo closed = await client.Closed.WithTimeout();
        Assert.Equal((ulong)MoqtErrorCode.InvalidPath, closed.ErrorCode);
        await DrainAsync(connect);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Accept_PathOverWebTransport_ClosesWithInvalidPath(MoqtVersion version)
    {
        (InMemorySession client, InMemorySession server) = InMemorySessionPair.Create(new InMemorySessionOptions { Protocol = version.GetAlpn() });
        Task<MoqtSession> connect = MoqtSession.ConnectAsync(client, new MoqtSessionOptions { Path = "/live" });
        Task<MoqtSession> accept = MoqtSession.AcceptAsync(server, new MoqtSessionOptions { IsWebTransport = true });
        await Assert.ThrowsAsync<MoqtSessionException>(() => accept.WithTimeout());
        Assert.Equal((ulong)MoqtErrorCode.InvalidPath, (await client.Closed.WithTimeout()).ErrorCode);
        await DrainAsync(connect);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Connect_OverWebTransport_OmitsPathAndAuthority(MoqtVersion version)
    {
        await using SessionPair pair = await SessionPair.CreateAsync(version,
            new MoqtSessionOptions { IsWebTransport = true, Path = "/ignored", Authority = "ignored" },
            new MoqtSessionOptions { IsWebTransport = true });
        Assert.Null(pair.Server.PeerSetup.Path);
        Assert.Null(pair.Server.PeerSetup.Authority);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Connect_PeerNeverSendsSetup_TimesOut(MoqtVersion version)
    {
        (InMemorySession client, _) = InMemorySessionPair.Create(new InMemorySessionOptions { Protocol = version.GetAlpn() });
        MoqtSessionException e = await Assert.ThrowsAsync<MoqtSessionException>(() =>
            MoqtSession.ConnectAsync(client, new MoqtSessionOptions { SetupTimeout = TimeSpan.FromMilliseconds(50) }).WithTimeout());
        Assert.Equal(MoqtErrorCode.ControlMessageTimeout, e.ErrorCode);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task GoAway_FromServer_ReachesClient(MoqtVersion version)
    {
        await using SessionPair pair = await SessionPair.CreateAsync(version);
        await pair.Server.GoAwayAsync("moqt://relay2.example/live", TimeSpan.FromSeconds(3)).AsTask().WithTimeout();
        GoAway goAway = await pair.Client.GoAwayReceived.WithTimeout();
        Assert.Equal("moqt://relay2.example/live", goAway.NewSessionUri);
        Assert.Equal(3000UL, goAway.Timeout);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Close_ByClient_ServerSeesCode(MoqtVersion version)
    {
        await using SessionPair pair = await SessionPair.CreateAsync(version);
        await pair.Client.CloseAsync(MoqtErrorCode.NoError, "bye").AsTask().WithTimeout();
        TransportCloseInfo closed = await pair.Server.Closed.WithTimeout();
        Assert.Equal(0UL, closed.ErrorCode);
        Assert.True(closed.ClosedByPeer);
    }

    /// <summary>The client may finish its SETUP exchange before the server's close arrives; either outcome is fine.</summary>
    private static async Task DrainAsync(Task<MoqtSession> connect)
    {
        try
        {
            await (await connect.WithTimeout()).DisposeAsync();
        }
        catch (MoqtSessionException)
        {
        }
    }
}
