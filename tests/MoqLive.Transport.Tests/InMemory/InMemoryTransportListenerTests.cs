using MoqLive.Testing;
using MoqLive.Transport.InMemory;

namespace MoqLive.Transport.Tests.InMemory;

public sealed class InMemoryTransportListenerTests
{
    [Fact]
    public async Task Connect_ThenAccept_SessionsAreConnected()
    {
        await using var listener = new InMemoryTransportListener(new InMemorySessionOptions { Protocol = "moqt-19" });

        InMemorySession client = await listener.ConnectAsync().WithTimeout();
        ITransportSession server = await listener.AcceptSessionAsync().WithTimeout();

        Assert.Equal("moqt-19", server.Protocol);
        ITransportSendStream send = await client.OpenUnidirectionalStreamAsync().WithTimeout();
        await send.WriteAsync("hello"u8.ToArray(), endStream: true).WithTimeout();
        ITransportReceiveStream receive = await server.AcceptUnidirectionalStreamAsync().WithTimeout();
        Assert.Equal("hello"u8.ToArray(), await receive.ReadToEndAsync().WithTimeout());
    }

    [Fact]
    public async Task Accept_Pending_CompletesWhenClientConnects()
    {
        await using var listener = new InMemoryTransportListener();
        Task<ITransportSession> accept = listener.AcceptSessionAsync().AsTask();
        await accept.AssertPendingAsync();

        InMemorySession client = await listener.ConnectAsync().WithTimeout();
        ITransportSession server = await accept.WithTimeout();

        await client.CloseAsync(1, "x").WithTimeout();
        Assert.True((await server.Closed.WithTimeout()).ClosedByPeer);
    }

    [Fact]
    public async Task Connect_BacklogFull_WaitsForAccept()
    {
        await using var listener = new InMemoryTransportListener(backlog: 1);
        await listener.ConnectAsync().WithTimeout();

        Task<InMemorySession> second = listener.ConnectAsync().AsTask();
        await second.AssertPendingAsync();
        await listener.AcceptSessionAsync().WithTimeout();

        await second.WithTimeout();
    }

    [Fact]
    public async Task Dispose_PendingAcceptFailsAndQueuedSessionsAreClosed()
    {
        var listener = new InMemoryTransportListener();
        InMemorySession queuedClient = await listener.ConnectAsync().WithTimeout();
        await listener.AcceptSessionAsync().WithTimeout();
        Task<ITransportSession> accept = listener.AcceptSessionAsync().AsTask();
        await accept.AssertPendingAsync();

        await listener.DisposeAsync().WithTimeout();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => accept.WithTimeout());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => listener.ConnectAsync().WithTimeout());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => listener.AcceptSessionAsync().WithTimeout());
        Assert.False(queuedClient.Closed.IsCompleted); // it was accepted before the dispose
    }

    [Fact]
    public async Task Dispose_UnacceptedSession_ClientSeesClose()
    {
        var listener = new InMemoryTransportListener();
        InMemorySession client = await listener.ConnectAsync().WithTimeout();

        await listener.DisposeAsync().WithTimeout();

        Assert.True((await client.Closed.WithTimeout()).ClosedByPeer);
    }
}
