using System.Buffers;
using MoqLive.Testbed.Emulation;

namespace MoqLive.Testbed.Network;

/// <summary>
/// The driver of the link emulators: one thread that reads every IPv4 packet the router namespace forwards into its
/// TUN device, passes it through the sender's <see cref="EmulatedLink.Up"/> and then the receiver's
/// <see cref="EmulatedLink.Down"/> emulator, and writes it back into the TUN device, from where the kernel forwards
/// it to the receiver's veth. Hosts are told apart by the third octet of 10.77.X.Y.
/// </summary>
/// <remarks>
/// Time is the real clock (<see cref="TimeProvider.GetElapsedTime(long)"/> since start), fed to the sans-IO
/// <see cref="LinkEmulator"/>s. A packet leaves the up emulator at its scheduled delivery time (not when the loop
/// noticed it), so two hops do not add two wake-up delays.
/// </remarks>
internal sealed class TunRouter : IDisposable
{
    /// <summary>TUN MTU is 1500 and a TUN without IFF_VNET_HDR never gets GSO super-packets; room to spare.</summary>
    private const int BufferSize = 4096;

    /// <summary>Longest sleep, so a stop request is noticed promptly.</summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(50);

    /// <summary>Packets read per wake-up before deliveries are served again.</summary>
    private const int ReadBatch = 256;

    private readonly TunDevice _tun;
    private readonly EmulatedLink?[] _bySubnet = new EmulatedLink?[256];
    private readonly IReadOnlyList<EmulatedLink> _links;
    private readonly TimeProvider _time;
    private readonly Thread _thread;
    private readonly long _start;
    private volatile bool _stop;

    public TunRouter(TunDevice tun, IReadOnlyList<EmulatedLink> links, TimeProvider time)
    {
        _tun = tun;
        _links = links;
        _time = time;
        foreach (var link in links)
        {
            _bySubnet[link.Host.Subnet] = link;
        }

        _start = time.GetTimestamp();
        _thread = new Thread(Run) { Name = "testbed router", IsBackground = true };
    }

    /// <summary>Packets that were not IPv4 between two testbed hosts (dropped).</summary>
    public long PacketsUnroutable { get; private set; }

    /// <summary>The exception that stopped the loop, if any.</summary>
    public Exception? Failure { get; private set; }

    public void Start() => _thread.Start();

    /// <summary>The emulators' clock: time since the router started (trace time 0).</summary>
    public TimeSpan Elapsed => _time.GetElapsedTime(_start);

    public void Dispose()
    {
        _stop = true;
        if (_thread.IsAlive)
        {
            _thread.Join();
        }
    }

    /// <summary>Whether the router thread runs with real-time priority (false if the kernel refused it).</summary>
    public bool RealTime { get; private set; }

    private void Run()
    {
        // On a loaded machine an ordinary thread wakes milliseconds late, which would add to every emulated delay;
        // a SCHED_FIFO thread preempts ordinary work. It always sleeps in ppoll when idle, so it cannot starve others.
        var param = new LinuxNative.SchedParam { Priority = 10 };
        RealTime = LinuxNative.SchedSetScheduler(0, LinuxNative.SchedFifo, ref param) == 0;
        try
        {
            Loop();
        }
        catch (Exception e) when (e is IOException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            // Reported by TestbedNetwork (Failure) and by `testbed up`; the links then stop forwarding.
            Failure = e;
        }
    }

    private void Loop()
    {
        byte[]? buffer = null;
        while (!_stop)
        {
            TimeSpan now = _time.GetElapsedTime(_start);
            for (int i = 0; i < ReadBatch; i++)
            {
                buffer ??= ArrayPool<byte>.Shared.Rent(BufferSize);
                int length = _tun.Read(buffer);
                if (length == 0)
                {
                    break;
                }

                if (Route(now, buffer, length))
                {
                    buffer = null;
                }
            }

            Deliver(now);
            TimeSpan? next = null;
            foreach (var link in _links)
            {
                next = Min(next, link.Up.NextEventTime);
                next = Min(next, link.Down.NextEventTime);
            }

            TimeSpan wait = next is { } t ? t - _time.GetElapsedTime(_start) : MaxWait;
            if (wait > TimeSpan.Zero)
            {
                _tun.WaitReadable(wait < MaxWait ? wait : MaxWait);
            }
        }

        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Hands a packet read from the TUN to its sender's up emulator; false if the caller keeps the buffer.</summary>
    private bool Route(TimeSpan now, byte[] buffer, int length)
    {
        if (Source(buffer, length) is not { } from || Destination(buffer, length) is null)
        {
            PacketsUnroutable++;
            return false;
        }

        return from.Up.Enqueue(now, new LinkPacket(buffer, length)) == EnqueueResult.Accepted;
    }

    private void Deliver(TimeSpan now)
    {
        foreach (var link in _links)
        {
            while (link.Up.TryDequeue(now, out var packet, out var at))
            {
                var to = Destination(packet.Buffer, packet.Length)!;
                at = at > to.LastDownEnqueue ? at : to.LastDownEnqueue;
                to.LastDownEnqueue = at;
                if (to.Down.Enqueue(at, packet) != EnqueueResult.Accepted)
                {
                    ArrayPool<byte>.Shared.Return(packet.Buffer);
                }
            }
        }

        foreach (var link in _links)
        {
            while (link.Down.TryDequeue(now, out var packet))
            {
                _tun.Write(packet.Buffer, packet.Length);
                ArrayPool<byte>.Shared.Return(packet.Buffer);
            }

            // The down emulator has now seen `now`; later handoffs must not be earlier.
            link.LastDownEnqueue = now > link.LastDownEnqueue ? now : link.LastDownEnqueue;
        }
    }

    // RFC 791 §3.1: version in the high nibble of byte 0; source address at bytes 12-15, destination at 16-19.
    private EmulatedLink? Source(byte[] packet, int length) =>
        length >= 20 && packet[0] >> 4 == 4 && packet[12] == 10 && packet[13] == 77 ? _bySubnet[packet[14]] : null;

    private EmulatedLink? Destination(byte[] packet, int length) =>
        length >= 20 && packet[0] >> 4 == 4 && packet[16] == 10 && packet[17] == 77 ? _bySubnet[packet[18]] : null;

    private static TimeSpan? Min(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a < b ? a : b;
}
