using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using static MoqLive.Quic.Internal.LinuxSocket;

namespace MoqLive.Quic.Internal;

/// <summary>What one <see cref="LinuxUdpReceiver.TryReceive"/> call did.</summary>
internal enum NativeReceiveStatus
{
    /// <summary>Datagrams were read into the buffer.</summary>
    Received,

    /// <summary>Nothing is queued: wait until the socket is readable.</summary>
    WouldBlock,

    /// <summary>An error that says nothing about this receive (an ICMP error for an earlier send, a signal): try again.</summary>
    Retry,

    /// <summary>The native call is not usable here: receive through <see cref="Socket"/> from now on.</summary>
    Unavailable,
}

/// <summary>
/// Receives from a Linux UDP socket with <c>recvmsg(2)</c> through libc, which .NET's <see cref="Socket"/> does not
/// expose with arbitrary control messages: with UDP generic receive offload (<c>UDP_GRO</c>, udp(7), Linux 5.0+) one
/// call returns a run of up to 64 KiB of datagrams from one sender, all <c>gso_size</c> bytes but the last, as the
/// <c>UDP_GRO</c> control message says. A burst then costs one system call instead of one per datagram (on loopback a
/// GSO send arrives intact).
/// </summary>
/// <remarks>
/// Linux on a 64-bit process only (the <c>msghdr</c> layout below). The source address is written in the native
/// <c>sockaddr</c> layout, which is the layout of <see cref="System.Net.SocketAddress.Buffer"/> on Linux. One receiver at a time;
/// the small buffers handed to the kernel live on the pinned object heap, the caller's receive buffer is pinned per call.
/// </remarks>
internal sealed class LinuxUdpReceiver
{
    private const int MsgDontWait = 0x40;
    private const int EAgain = 11;
    private const int ENetUnreach = 101;
    private const int EHostUnreach = 113;
    private const int EConnRefused = 111;
    private const int EMsgSize = 90;

    private readonly SafeHandle _handle;
    private readonly byte[] _name = GC.AllocateArray<byte>(32, pinned: true); // sockaddr_in6 is 28 bytes
    private readonly byte[] _control = GC.AllocateArray<byte>(64, pinned: true);
    private readonly IoVec[] _iov = GC.AllocateArray<IoVec>(1, pinned: true);

    private LinuxUdpReceiver(Socket socket, bool groEnabled)
    {
        _handle = socket.SafeHandle;
        GroEnabled = groEnabled;
    }

    /// <summary>Whether the kernel coalesces received datagrams (<c>UDP_GRO</c> is on).</summary>
    public bool GroEnabled { get; }

    /// <summary>The sender of the last received datagrams, native <c>sockaddr</c> bytes.</summary>
    public ReadOnlySpan<byte> SourceAddress => _name.AsSpan(0, NameLength);

    private int NameLength { get; set; }

    /// <summary>A receiver for <paramref name="socket"/>, with GRO turned on when the kernel has it; null off Linux x64/arm64.</summary>
    public static LinuxUdpReceiver? TryCreate(Socket socket)
    {
        if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess) return null;
        bool gro;
        try
        {
            Span<byte> on = stackalloc byte[sizeof(int)];
            BinaryPrimitives.WriteInt32LittleEndian(on, 1);
            socket.SetRawSocketOption(SolUdp, UdpGro, on);
            gro = true;
        }
        catch (SocketException)
        {
            gro = false; // before Linux 5.0: recvmsg still works, one datagram per call
        }
        return new LinuxUdpReceiver(socket, gro);
    }

    /// <summary>Turns GRO off again (the caller falls back to <see cref="Socket"/> receives, which cannot split runs).</summary>
    public static void DisableGro(Socket socket)
    {
        try
        {
            socket.SetRawSocketOption(SolUdp, UdpGro, stackalloc byte[sizeof(int)]);
        }
        catch (SocketException)
        {
            // Nothing was turned on.
        }
    }

    /// <summary>
    /// Reads what is queued into <paramref name="buffer"/> without blocking: <paramref name="length"/> bytes, datagrams
    /// of <paramref name="segmentSize"/> bytes each (the last may be shorter).
    /// </summary>
    public NativeReceiveStatus TryReceive(ArraySegment<byte> buffer, out int length, out int segmentSize)
    {
        length = segmentSize = 0;
        bool addedRef = false;
        var pin = GCHandle.Alloc(buffer.Array, GCHandleType.Pinned);
        try
        {
            // Keeps the descriptor from being closed (and its number reused) during the call; throws once disposed.
            _handle.DangerousAddRef(ref addedRef);
            _iov[0] = new IoVec { Base = pin.AddrOfPinnedObject() + buffer.Offset, Length = (nuint)buffer.Count };
            var message = new MsgHdr
            {
                Name = Marshal.UnsafeAddrOfPinnedArrayElement(_name, 0),
                NameLength = (uint)_name.Length,
                Iov = Marshal.UnsafeAddrOfPinnedArrayElement(_iov, 0),
                IovLength = 1,
                Control = Marshal.UnsafeAddrOfPinnedArrayElement(_control, 0),
                ControlLength = (nuint)_control.Length,
            };
            nint n = RecvMsg((int)_handle.DangerousGetHandle(), ref message, MsgDontWait);
            if (n < 0)
            {
                return Marshal.GetLastPInvokeError() switch
                {
                    EAgain => NativeReceiveStatus.WouldBlock,
                    EIntr or EConnRefused or EHostUnreach or ENetUnreach or EMsgSize => NativeReceiveStatus.Retry,
                    // Anything else is unexpected here: the Socket path reports it properly if it persists.
                    _ => NativeReceiveStatus.Unavailable,
                };
            }

            length = (int)n;
            NameLength = (int)message.NameLength;
            segmentSize = ReadGroSegmentSize(_control.AsSpan(0, (int)message.ControlLength)) is > 0 and var size ? size : length;
            return NativeReceiveStatus.Received;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return NativeReceiveStatus.Unavailable;
        }
        finally
        {
            if (addedRef) _handle.DangerousRelease();
            pin.Free();
        }
    }

    /// <summary>The <c>gso_size</c> of a <c>UDP_GRO</c> control message (cmsg(3) layout), or 0 when there is none.</summary>
    private static int ReadGroSegmentSize(ReadOnlySpan<byte> control)
    {
        while (control.Length >= CmsgHeaderSize)
        {
            ulong cmsgLength = BinaryPrimitives.ReadUInt64LittleEndian(control);
            if (cmsgLength < CmsgHeaderSize || cmsgLength > (ulong)control.Length) return 0;
            int level = BinaryPrimitives.ReadInt32LittleEndian(control[8..]);
            int type = BinaryPrimitives.ReadInt32LittleEndian(control[12..]);
            if (level == SolUdp && type == UdpGro && cmsgLength >= CmsgHeaderSize + sizeof(int))
                return BinaryPrimitives.ReadInt32LittleEndian(control[CmsgHeaderSize..]);
            int next = (int)((cmsgLength + 7) & ~7UL); // CMSG_NXTHDR: aligned to size_t
            if (next >= control.Length) return 0;
            control = control[next..];
        }
        return 0;
    }

    [DllImport(Libc, SetLastError = true, EntryPoint = "recvmsg")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern nint RecvMsg(int fd, ref MsgHdr message, int flags);
}
