using System.Net;
using Microsoft.Extensions.Logging;
using MoqLive.Quic.Core;

namespace MoqLive.Quic;

/// <summary>Settings of a <see cref="QuicClientEndpoint"/>: the socket and what every connection through it shares.</summary>
public sealed class QuicClientEndpointOptions
{
    /// <summary>Local address to bind. Default <c>0.0.0.0:0</c>: IPv4, a free port (bind <c>[::]:0</c> to reach IPv6 servers).</summary>
    public IPEndPoint LocalEndPoint { get; set; } = new(IPAddress.Any, 0);

    /// <summary>
    /// Transport settings of every connection through the endpoint (connection IDs are routed by one length, so they
    /// cannot differ per connection). Default null: <see cref="QuicDefaults.ConnectionOptions"/>.
    /// </summary>
    public ConnectionOptions? ConnectionOptions { get; set; }

    /// <summary>Clock of the connections' timers. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Run the continuation of a stream read that waited for data on the endpoint's receive thread, once it has handled
    /// the datagrams, instead of queuing it to the thread pool: one thread hop and wake-up less per read, which is most
    /// of a receiver's cost with many connections each reading small objects. The readers' code then runs on that one
    /// thread until its next wait, so it must never block (no synchronous waits), and while it runs the endpoint reads
    /// no datagrams: with a lot of work per read, spread connections over several endpoints (one per core). Default false.
    /// </summary>
    public bool CompleteReadsOnReceiveThread { get; set; }

    /// <summary>
    /// Fire the connections' timers (ACK delay, loss detection, pacing, idle) on the endpoint's receive thread, which
    /// looks for due timers after every burst of datagrams and sleeps no longer than the earliest, instead of through a
    /// runtime timer: every earlier re-arm of that timer wakes the runtime's timer thread and every tick is a thread-pool
    /// work item, several per object with many receiving connections. A timer set from another thread while the receive
    /// thread sleeps still wakes it on time. The timers' work then runs on that thread (as with
    /// <see cref="CompleteReadsOnReceiveThread"/>). Default false.
    /// </summary>
    public bool RunTimersOnReceiveThread { get; set; }

    /// <summary>Logging. Default null: no logs.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    internal void Validate()
    {
        if (LocalEndPoint is null)
            throw new ArgumentException("QuicClientEndpointOptions.LocalEndPoint is required.", nameof(LocalEndPoint));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
    }
}
