using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using static MoqLive.Quic.Internal.LinuxSocket;

namespace MoqLive.Quic.Internal;

/// <summary>
/// Datagrams for any number of destinations, laid out for one <c>sendmmsg(2)</c> call (Linux, 64-bit): a relay that
/// writes one object to N subscribers' connections from one thread sends N datagrams (or GSO runs, each with its own
/// <c>UDP_SEGMENT</c> control message) with one system call per <see cref="MaxMessages"/> instead of one each.
/// </summary>
/// <remarks>
/// The system call's fixed cost (entry and exit, which a paravirtualised guest pays dearly for, the file lookup, .NET's
/// socket layer) goes; the kernel's work per datagram (routing, the loopback delivery) stays. The buffers handed to the
/// kernel live on the pinned object heap. Not thread-safe: the owner serialises <see cref="TryAdd"/> and
/// <see cref="Send"/>.
/// </remarks>
internal sealed class DatagramSendBatch
{
    /// <summary>
    /// Messages per batch: a full batch is sent at once, so this also bounds how many other sends the first datagram
    /// waits for.
    /// </summary>
    public const int MaxMessages = 64;

    /// <summary>Payload bytes per batch; a GSO run is at most 64 KiB.</summary>
    public const int BufferSize = 256 * 1024;

    private const int NameSize = 32; // sockaddr_in6 is 28 bytes
    private const int ControlSize = 24; // CMSG_SPACE(sizeof(__u16))
    private const ushort AfInet = 2;
    private const ushort AfInet6 = 10;

    private readonly byte[] _data = GC.AllocateArray<byte>(BufferSize, pinned: true);
    private readonly byte[] _names = GC.AllocateArray<byte>(MaxMessages * NameSize, pinned: true);
    private readonly byte[] _control = GC.AllocateArray<byte>(MaxMessages * ControlSize, pinned: true);
    private readonly IoVec[] _iov = GC.AllocateArray<IoVec>(MaxMessages, pinned: true);
    private readonly MMsgHdr[] _messages = GC.AllocateArray<MMsgHdr>(MaxMessages, pinned: true);
    private readonly int[] _segmentSizes = new int[MaxMessages];
    private int _length;

    /// <summary>Messages waiting to be sent.</summary>
    public int Count { get; private set; }

    /// <summary>The socket whose datagrams the batch holds (a batch is sent on one socket).</summary>
    public object? Owner { get; set; }

    /// <summary>True while a flush of this batch is queued (the owner's bookkeeping).</summary>
    public bool FlushQueued { get; set; }

    /// <summary>
    /// Copies <paramref name="datagrams"/> (consecutive datagrams of <paramref name="segmentSize"/> bytes, the last may be
    /// shorter) for <paramref name="remote"/> into the batch as one message, with a <c>UDP_SEGMENT</c> control message when
    /// it holds more than one datagram; false when the batch has no room left for it (send it first). With
    /// <paramref name="ipv6Socket"/> (an IPv6, dual-mode socket) IPv4 destinations are written as IPv4-mapped addresses.
    /// </summary>
    public bool TryAdd(ReadOnlySpan<byte> datagrams, int segmentSize, IPEndPoint remote, bool ipv6Socket)
    {
        if (Count == MaxMessages || _length + datagrams.Length > BufferSize) return false;
        int i = Count;
        datagrams.CopyTo(_data.AsSpan(_length));
        _iov[i] = new IoVec { Base = Marshal.UnsafeAddrOfPinnedArrayElement(_data, _length), Length = (nuint)datagrams.Length };
        int nameLength = WriteSocketAddress(_names.AsSpan(i * NameSize, NameSize), remote, ipv6Socket);
        bool segmented = datagrams.Length > segmentSize;
        if (segmented)
        {
            var control = _control.AsSpan(i * ControlSize, ControlSize);
            control.Clear();
            // udp(7): the UDP_SEGMENT control message carries a __u16, and the kernel insists on CMSG_LEN(sizeof(__u16)).
            BinaryPrimitives.WriteUInt64LittleEndian(control, CmsgHeaderSize + sizeof(ushort));
            BinaryPrimitives.WriteInt32LittleEndian(control[8..], SolUdp);
            BinaryPrimitives.WriteInt32LittleEndian(control[12..], UdpSegment);
            BinaryPrimitives.WriteUInt16LittleEndian(control[CmsgHeaderSize..], (ushort)segmentSize);
        }

        _messages[i] = new MMsgHdr
        {
            Header = new MsgHdr
            {
                Name = Marshal.UnsafeAddrOfPinnedArrayElement(_names, i * NameSize),
                NameLength = (uint)nameLength,
                Iov = Marshal.UnsafeAddrOfPinnedArrayElement(_iov, i),
                IovLength = 1,
                Control = segmented ? Marshal.UnsafeAddrOfPinnedArrayElement(_control, i * ControlSize) : 0,
                ControlLength = segmented ? (nuint)ControlSize : 0,
            },
        };
        _segmentSizes[i] = segmented ? segmentSize : 0;
        _length += datagrams.Length;
        Count++;
        return true;
    }

    /// <summary>Bytes of message <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> GetPayload(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        long start = _iov[index].Base - Marshal.UnsafeAddrOfPinnedArrayElement(_data, 0);
        return _data.AsSpan((int)start, (int)_iov[index].Length);
    }

    /// <summary>The <c>UDP_SEGMENT</c> size of message <paramref name="index"/>, 0 when it is a single datagram.</summary>
    public int GetSegmentSize(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        return _segmentSizes[index];
    }

    /// <summary>The native <c>sockaddr</c> of message <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> GetName(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        return _names.AsSpan(index * NameSize, (int)_messages[index].Header.NameLength);
    }

    /// <summary>Forgets every message.</summary>
    public void Clear()
    {
        Count = 0;
        _length = 0;
    }

    /// <summary>
    /// Sends every message on <paramref name="socket"/> (<c>sendmmsg</c>, as many calls as the kernel needs) and clears
    /// the batch. A message the kernel refuses is dropped, as a failed single send is (QUIC recovers);
    /// <paramref name="onRefused"/> hears of it with its <c>errno</c> and whether it was a GSO run.
    /// </summary>
    public void Send(SafeHandle socket, Action<int, bool>? onRefused)
    {
        bool addedRef = false;
        try
        {
            socket.DangerousAddRef(ref addedRef);
            int fd = (int)socket.DangerousGetHandle();
            int next = 0;
            while (next < Count)
            {
                int sent = SendMMsg(fd, Marshal.UnsafeAddrOfPinnedArrayElement(_messages, next), (uint)(Count - next), 0);
                if (sent > 0)
                {
                    next += sent;
                    continue;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (sent < 0 && errno == EIntr) continue;
                // The first message of this call failed (full buffers, an unreachable peer, a refused segment size).
                onRefused?.Invoke(errno, _segmentSizes[next] != 0);
                next++;
            }
        }
        finally
        {
            if (addedRef) socket.DangerousRelease();
            Clear();
        }
    }

    /// <summary>Writes <paramref name="remote"/> as a Linux <c>sockaddr_in</c>/<c>sockaddr_in6</c>; returns its length.</summary>
    internal static int WriteSocketAddress(Span<byte> destination, IPEndPoint remote, bool ipv6Socket)
    {
        destination.Clear();
        var address = remote.Address;
        if (ipv6Socket && address.AddressFamily == AddressFamily.InterNetwork) address = address.MapToIPv6();
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)remote.Port);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(destination, AfInet);
            address.TryWriteBytes(destination[4..8], out _);
            return 16;
        }

        BinaryPrimitives.WriteUInt16LittleEndian(destination, AfInet6);
        address.TryWriteBytes(destination[8..24], out _);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[24..], (uint)address.ScopeId);
        return 28;
    }

    [DllImport(Libc, SetLastError = true, EntryPoint = "sendmmsg")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SendMMsg(int fd, nint messages, uint count, int flags);
}
