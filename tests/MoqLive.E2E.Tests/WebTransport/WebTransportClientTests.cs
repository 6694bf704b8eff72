using MoqLive.Http3.WebTransport;
using MoqLive.Quic.Tls;
using MoqLive.Testing;
using MoqLive.Testing.Scenarios;
using MoqLive.Transport;
using Xunit.Abstractions;

namespace MoqLive.E2E.Tests.WebTransport;

/// <summary>
/// The C# WebTransport client (what <c>moqlive publish/subscribe https://…</c> use) over real UDP on loopback against
/// the server and path of the Chromium test, running the same scenario as the page: 1 MB echo on a client bidi stream,
/// a server-opened uni and bidi stream, 100 datagrams each making the round trip, and a close code and reason the
/// server observes.
/// </summary>
public sealed class WebTransportClientTests(ITestOutputHelper output)
{
    private const int Datagrams = 100;

    [Fact]
    public async Task Client_OverUdpLoopback_RunsTheBrowserScenario()
    {
        await using WebTransportTestServer server = await WebTransportTestServer.StartAsync();
        var url = new Uri($"https://127.0.0.1:{server.Port}/moq");
        await using WebTransportClient client = await WebTransportClient.ConnectAsync(url, new WebTransportClientOptions
        {
            CertificateValidation = TlsCertificateValidation.PinnedSha256,
            PinnedCertificateSha256 = [server.Certificate.LeafSha256],
        }).WithTimeout(TestTimeouts.Long);
        WebTransportSession session = await client.OpenSessionAsync(url, ["moqt-19"]).WithTimeout();
        Assert.Equal("moqt-19", session.Protocol);

        EchoScenarioResult result = await EchoScenarioClient.RunAsync(session, Datagrams, 4242, "bye from C#").WithTimeout(TestTimeouts.Long);
        output.WriteLine($"datagram rounds {result.DatagramRounds}; client session dropped {session.DatagramsDropped}, server session {server.FirstSession?.DatagramsDropped}");

        Assert.True(result.EchoEqual);
        Assert.Equal(1 << 20, result.EchoLength);
        Assert.Equal(EchoScenarioServer.UniGreeting, result.UniText);
        Assert.Equal(EchoScenarioServer.BidiGreeting, result.BidiText);
        Assert.Equal(EchoScenarioClient.BidiReply, await server.Scenario.BidiReply.Task.WithTimeout());
        Assert.Equal(Datagrams, result.DatagramsEchoed.Count);
        Assert.Equal(Datagrams, server.Scenario.DatagramPayloads.Count);
        Assert.Equal("moqt-19", server.SelectedProtocol);
        TransportCloseInfo info = await server.Scenario.SessionClosed.Task.WithTimeout();
        Assert.Equal(new TransportCloseInfo(4242, "bye from C#", ClosedByPeer: true), info);
    }
}
