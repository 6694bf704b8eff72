using MoqLive.Http3.WebTransport;
using MoqLive.Quic;
using MoqLive.Quic.Transport;
using MoqLive.Testing;
using MoqLive.Testing.Quic;
using MoqLive.Testing.Scenarios;
using MoqLive.Transport;

namespace MoqLive.Http3.Tests.WebTransport;

/// <summary>
/// The C# WebTransport client against the browser test's server and path (<see cref="WebTransportTestServer"/>, /moq),
/// over our QUIC stack on a simulated link with seeded loss and reordering (no sockets): the scenario of the Chromium
/// page, asserting what the protocols guarantee there.
/// </summary>
public sealed class WebTransportClientLossyLinkTests
{
    private const int Datagrams = 100;

    [Theory]
    [InlineData(1, 0.03, 0.05)]
    [InlineData(2, 0.08, 0.10)]
    public async Task Client_OverLossyReorderingLink_StreamsIntactAndCloseObserved(int seed, double loss, double reordering)
    {
        var network = new InProcessDatagramNetwork(seed, loss, reordering);
        QuicListener listener = await QuicTestHost.ListenAsync(network, ["h3"]).AsTask().WithTimeout();
        await using var server = new WebTransportTestServer(listener, QuicTestHost.Certificate);
        QuicConnection connection = await QuicTestHost.ConnectAsync(network, QuicTestHost.ClientOptions(listener, ["h3"])).AsTask().WithTimeout(TestTimeouts.Long);
        await using WebTransportClient client = await WebTransportClient.StartAsync(new QuicTransportSession(connection)).AsTask().WithTimeout();
        WebTransportSession session = await client.OpenSessionAsync(new Uri("https://relay.test/moq"), ["moqt-19"]).AsTask().WithTimeout(TestTimeouts.Long);

        EchoScenarioResult result = await EchoScenarioClient.RunAsync(session, Datagrams, 7, "lossy bye", maxDatagramRounds: 3).WithTimeout(TestTimeouts.Long);

        // Streams are reliable whatever the link does: the 1 MB echo, both greetings and the reply arrive intact.
        Assert.True(result.EchoEqual);
        Assert.Equal(1 << 20, result.EchoLength);
        Assert.Equal(EchoScenarioServer.UniGreeting, result.UniText);
        Assert.Equal(EchoScenarioServer.BidiGreeting, result.BidiText);
        Assert.Equal(EchoScenarioClient.BidiReply, await server.Scenario.BidiReply.Task.WithTimeout(TestTimeouts.Long));

        // Datagrams may be lost (RFC 9221 §5) but never altered or invented: whatever arrived is one of ours, and only
        // what the server received can have been echoed.
        string[] sent = [.. Enumerable.Range(0, Datagrams).Select(i => $"datagram {i}")];
        Assert.All(server.Scenario.DatagramPayloads.Keys, p => Assert.Contains(p, sent));
        Assert.Subset(server.Scenario.DatagramPayloads.Keys.ToHashSet(), result.DatagramsEchoed.ToHashSet());
        Assert.True(network.Dropped > 0, "the link dropped nothing, so the test did not exercise loss");

        // The close capsule travels on the reliable CONNECT stream: the server sees our code and reason.
        TransportCloseInfo info = await server.Scenario.SessionClosed.Task.WithTimeout(TestTimeouts.Long);
        Assert.Equal(new TransportCloseInfo(7, "lossy bye", ClosedByPeer: true), info);
    }
}
