using System.Runtime.InteropServices;

namespace MoqLive.Quic.Internal;

/// <summary>Linux socket constants shared by the receive (<see cref="LinuxUdpReceiver"/>) and send paths.</summary>
internal static class LinuxSocket
{
    public const string Libc = "libc";
    public const int SolUdp = 17;
    public const int UdpSegment = 103; // UDP_SEGMENT (GSO)
    public const int UdpGro = 104;
    public const int EIntr = 4;
    public const int CmsgHeaderSize = 16; // cmsg_len (size_t), cmsg_level (int), cmsg_type (int)
}

// struct msghdr, struct mmsghdr and struct iovec on 64-bit Linux, for recvmsg (LinuxUdpReceiver) and sendmmsg
// (DatagramSendBatch); the sequential layout pads as C does (NameLength to 8 bytes).

[StructLayout(LayoutKind.Sequential)]
internal struct MsgHdr
{
    public nint Name;
    public uint NameLength;
    public nint Iov;
    public nuint IovLength;
    public nint Control;
    public nuint ControlLength;
    public int Flags;
}

[StructLayout(LayoutKind.Sequential)]
internal struct MMsgHdr
{
    public MsgHdr Header;
    public uint Length;
}

[StructLayout(LayoutKind.Sequential)]
internal struct IoVec
{
    public nint Base;
    public nuint Length;
}
