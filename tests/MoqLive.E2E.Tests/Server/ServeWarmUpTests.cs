using MoqLive.Server;

namespace MoqLive.E2E.Tests.Server;

/// <summary>
/// <see cref="MoqLiveServerOptions.WarmUp"/> (issue 5): before <see cref="MoqLiveServer.StartAsync"/> returns, the server
/// has served one WebTransport MOQT session to itself over loopback (so the first browser's session does not wait for the
/// JIT; WebTransportConnectTimingTests measures that), and that session is closed again. Binds 127.0.0.1 only.
/// </summary>
public sealed class ServeWarmUpTests
{
    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 0)]
    public async Task StartAsync_WarmUp_OneSessionServedAndNoneLeftOpen(bool warmUp, long sessions)
    {
        await using MoqLiveServer server = await MoqLiveServer.StartAsync(new MoqLiveServerOptions { Listen = "127.0.0.1:0", WarmUp = warmUp })
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(sessions, server.Sessions.TotalSessions);
        Assert.Equal(0, server.Sessions.ActiveSessions);
    }
}
