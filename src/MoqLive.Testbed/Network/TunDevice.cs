namespace MoqLive.Testbed.Network;

/// <summary>
/// A TUN device (IFF_TUN | IFF_NO_PI: whole IP packets, no extra header) created inside a network namespace and
/// read and written by this process. The device lives as long as the file descriptor: disposing removes it.
/// </summary>
internal sealed class TunDevice : IDisposable
{
    private int _fd;

    private TunDevice(int fd, string name, string networkNamespace)
    {
        _fd = fd;
        Name = name;
        NetworkNamespace = networkNamespace;
    }

    public string Name { get; }

    public string NetworkNamespace { get; }

    /// <summary>
    /// Creates the device in namespace <paramref name="networkNamespace"/> (a name under /run/netns). A TUN device is
    /// created in the network namespace of the calling thread, so a short-lived thread enters the namespace (setns
    /// changes only the calling thread) and opens it; the descriptor then works from any thread.
    /// </summary>
    public static TunDevice Create(string networkNamespace, string name)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(name.Length, 15, nameof(name));
        int fd = -1;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                fd = OpenInNamespace(networkNamespace, name);
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
            {
                failure = e;
            }
        })
        {
            Name = "testbed tun setns",
            IsBackground = true,
        };
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            throw new IOException($"Could not create TUN device {name} in network namespace {networkNamespace}: {failure.Message}", failure);
        }

        return new TunDevice(fd, name, networkNamespace);
    }

    /// <summary>Reads one packet into <paramref name="buffer"/>; 0 when none is waiting (the descriptor is non-blocking).</summary>
    public int Read(byte[] buffer)
    {
        while (true)
        {
            nint n = LinuxNative.Read(_fd, ref buffer[0], buffer.Length);
            if (n >= 0)
            {
                return (int)n;
            }

            int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            if (errno == LinuxNative.EAgain)
            {
                return 0;
            }

            if (errno != LinuxNative.EIntr)
            {
                throw LinuxNative.Error($"read from TUN {Name}");
            }
        }
    }

    /// <summary>Injects one IP packet as if it arrived on the device.</summary>
    /// <returns>False when the kernel refused it (e.g. a malformed packet); the packet is then lost, as on a wire.</returns>
    public bool Write(byte[] buffer, int length)
    {
        while (true)
        {
            nint n = LinuxNative.Write(_fd, ref buffer[0], length);
            if (n >= 0)
            {
                return true;
            }

            if (System.Runtime.InteropServices.Marshal.GetLastPInvokeError() != LinuxNative.EIntr)
            {
                return false;
            }
        }
    }

    /// <summary>Waits until a packet can be read or <paramref name="timeout"/> passes.</summary>
    public void WaitReadable(TimeSpan timeout)
    {
        var poll = new LinuxNative.PollFd { Fd = _fd, Events = LinuxNative.PollIn };
        long ticks = Math.Max(0, timeout.Ticks);
        var spec = new LinuxNative.TimeSpec
        {
            Seconds = ticks / TimeSpan.TicksPerSecond,
            Nanoseconds = ticks % TimeSpan.TicksPerSecond * 100,
        };
        if (LinuxNative.PPoll(ref poll, 1, ref spec, 0) < 0
            && System.Runtime.InteropServices.Marshal.GetLastPInvokeError() != LinuxNative.EIntr)
        {
            throw LinuxNative.Error($"ppoll on TUN {Name}");
        }
    }

    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            LinuxNative.Close(fd);
        }
    }

    private static int OpenInNamespace(string networkNamespace, string name)
    {
        int ns = LinuxNative.Open(Path.Combine(NetworkNamespaces.RunDirectory, networkNamespace), LinuxNative.ORdonly | LinuxNative.OCloexec);
        if (ns < 0)
        {
            throw LinuxNative.Error($"open namespace {networkNamespace}");
        }

        try
        {
            if (LinuxNative.SetNs(ns, LinuxNative.CloneNewNet) != 0)
            {
                throw LinuxNative.Error("setns (needs root)");
            }
        }
        finally
        {
            LinuxNative.Close(ns);
        }

        int fd = LinuxNative.Open("/dev/net/tun", LinuxNative.ORdwr | LinuxNative.ONonblock | LinuxNative.OCloexec);
        if (fd < 0)
        {
            throw LinuxNative.Error("open /dev/net/tun");
        }

        var request = new LinuxNative.IfReq { Name = name, Flags = LinuxNative.IffTun | LinuxNative.IffNoPi };
        if (LinuxNative.Ioctl(fd, LinuxNative.TunSetIff, ref request) != 0)
        {
            var error = LinuxNative.Error("ioctl TUNSETIFF");
            LinuxNative.Close(fd);
            throw error;
        }

        return fd;
    }
}
