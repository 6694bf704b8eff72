using System.ComponentModel;
using System.Runtime.InteropServices;

namespace MoqLive.Testbed.Network;

/// <summary>
/// The few libc calls the testbed needs that .NET does not expose: TUN devices (open + ioctl TUNSETIFF), entering a
/// network namespace (setns) and a poll with a nanosecond timeout (ppoll). Linux x86-64 / arm64 only.
/// </summary>
internal static class LinuxNative
{
    private const string Libc = "libc";

    public const int ORdwr = 0x2;
    public const int ORdonly = 0x0;
    public const int ONonblock = 0x800;
    public const int OCloexec = 0x80000;

    /// <summary>linux/sched.h: the namespace type setns enters.</summary>
    public const int CloneNewNet = 0x40000000;

    /// <summary>linux/if_tun.h: _IOW('T', 202, int).</summary>
    public const ulong TunSetIff = 0x400454ca;
    public const short IffTun = 0x0001;
    public const short IffNoPi = 0x1000;

    public const short PollIn = 0x1;
    public const int EAgain = 11;
    public const int EIntr = 4;

    /// <summary>struct ifreq: 16 bytes of name, then a 24-byte union whose first member here is ifr_flags.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 40, CharSet = CharSet.Ansi)]
    public struct IfReq
    {
        [MarshalAs(UnmanagedType.ByValTStr, SizeConst = 16)]
        public string Name;
        public short Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport(Libc, SetLastError = true, EntryPoint = "open")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport(Libc, SetLastError = true, EntryPoint = "close")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Close(int fd);

    [DllImport(Libc, SetLastError = true, EntryPoint = "ioctl")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Ioctl(int fd, ulong request, ref IfReq request2);

    [DllImport(Libc, SetLastError = true, EntryPoint = "read")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern nint Read(int fd, ref byte buffer, nint count);

    [DllImport(Libc, SetLastError = true, EntryPoint = "write")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern nint Write(int fd, ref byte buffer, nint count);

    [DllImport(Libc, SetLastError = true, EntryPoint = "ppoll")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int PPoll(ref PollFd fds, ulong count, ref TimeSpec timeout, nint signalMask);

    /// <summary>linux/sched.h: first-in first-out real-time scheduling.</summary>
    public const int SchedFifo = 1;

    [StructLayout(LayoutKind.Sequential)]
    public struct SchedParam
    {
        public int Priority;
    }

    /// <summary>With pid 0 it applies to the calling thread only (Linux schedules threads).</summary>
    [DllImport(Libc, SetLastError = true, EntryPoint = "sched_setscheduler")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int SchedSetScheduler(int pid, int policy, ref SchedParam param);

    [DllImport(Libc, SetLastError = true, EntryPoint = "setns")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int SetNs(int fd, int namespaceType);

    /// <summary>Throws a <see cref="Win32Exception"/> (errno and its text) naming what failed.</summary>
    public static Exception Error(string what)
    {
        int errno = Marshal.GetLastPInvokeError();
        return new Win32Exception(errno, $"{what} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
    }
}
