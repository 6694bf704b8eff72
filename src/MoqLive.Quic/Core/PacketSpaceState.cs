using MoqLive.Quic.Crypto;
using MoqLive.Quic.Recovery;
using MoqLive.Quic.Streams;

namespace MoqLive.Quic.Core;

/// <summary>Per packet number space state of a connection: keys, packet numbers, received packets, CRYPTO streams.</summary>
internal sealed class PacketSpaceState
{
    public PacketSpaceState(PacketSpace space) => ReceivedPackets = new ReceivedPackets(space);

    /// <summary>Keys; for 1-RTT only the header keys of this are used (packet keys rotate in <c>Connection</c>).</summary>
    public LevelKeys? Keys { get; set; }

    public bool Discarded { get; set; }

    public ulong NextPacketNumber { get; set; }

    public ReceivedPackets ReceivedPackets { get; }

    /// <summary>Outgoing CRYPTO data (offsets, retransmission).</summary>
    public SendBuffer CryptoSend { get; } = new();

    /// <summary>Incoming CRYPTO data reassembly.</summary>
    public StreamAssembler CryptoReceive { get; } = new();

    /// <summary>Ack-eliciting probes owed after a PTO.</summary>
    public int ProbesOwed { get; set; }

    /// <summary>Send a PING (e.g. to get a key update acknowledged or as a probe).</summary>
    public bool PingPending { get; set; }
}
